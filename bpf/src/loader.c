/* omega-sentinel's eBPF loader: loads and attaches the programs, writes frames on stdout, obeys
 * one-line commands on stdin (bpf/README.md). Runs as root; exits when stdin closes. */
#include "loader-state.h"
#include "loader-commands.h"
#include "loader-flows.h"
#include "loader-stats.h"
#include "loader-audit.h"

static volatile sig_atomic_t stopping;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static int on_record(void *ctx, void *data, size_t size)
{
	const struct loader *loader = ctx;
	int64_t boot_to_wall_ns = loader->boot_to_wall_ns;
	uint32_t kind = *(uint32_t *)data;
	if (kind == OMEGA_REC_EXEC && size >= sizeof(struct omega_exec_record)) {
		const struct omega_exec_record *rec = data;
		struct omega_frame_exec body = {
			.pid = rec->pid, .ppid = rec->ppid, .uid = rec->uid, .gid = rec->gid,
			.time_ns = rec->time_boot_ns + boot_to_wall_ns,
			.cgroup_id = rec->cgroup_id,
			.start_time_ns = rec->start_boot_ns + boot_to_wall_ns,
			.filename_len = rec->filename_len > OMEGA_FILENAME_LEN ? OMEGA_FILENAME_LEN : rec->filename_len,
			.args_len = rec->args_len > OMEGA_ARGS_LEN ? OMEGA_ARGS_LEN : rec->args_len,
			.args_truncated = rec->args_truncated ? 1 : 0,
		};
		memcpy(body.comm, rec->comm, sizeof(body.comm));
		write_frame(OMEGA_FRAME_EXEC, &body, sizeof(body), rec->filename, body.filename_len,
			    rec->args, body.args_len);
	} else if (kind == OMEGA_REC_EXIT && size >= sizeof(struct omega_exit_record)) {
		const struct omega_exit_record *rec = data;
		struct omega_frame_exit body = {
			.pid = rec->pid, .ppid = rec->ppid, .uid = rec->uid, .gid = rec->gid,
			.exit_code = rec->exit_code,
			.time_ns = rec->time_boot_ns + boot_to_wall_ns,
			.cgroup_id = rec->cgroup_id,
			.start_time_ns = rec->start_boot_ns + boot_to_wall_ns,
		};
		memcpy(body.comm, rec->comm, sizeof(body.comm));
		write_frame(OMEGA_FRAME_EXIT, &body, sizeof(body), NULL, 0, NULL, 0);
	} else if (kind == OMEGA_REC_TCP_STATE && size >= sizeof(struct omega_tcp_record)) {
		const struct omega_tcp_record *rec = data;
		struct omega_frame_tcp_state body = {
			.event = rec->event, .pid = rec->pid, .uid = rec->uid, .family = rec->family,
			.oldstate = rec->oldstate, .newstate = rec->newstate,
			.time_ns = rec->time_boot_ns + boot_to_wall_ns, .cgroup_id = rec->cgroup_id,
			.bytes_received = rec->bytes_received, .bytes_acked = rec->bytes_acked,
			.sport = rec->sport, .dport = rec->dport,
		};
		memcpy(body.saddr, rec->saddr, 16);
		memcpy(body.daddr, rec->daddr, 16);
		memcpy(body.comm, rec->comm, sizeof(body.comm));
		write_frame(OMEGA_FRAME_TCP_STATE, &body, sizeof(body), NULL, 0, NULL, 0);
	} else if (kind == OMEGA_REC_DNS && size >= offsetof(struct omega_dns_record, data) &&
		   size >= offsetof(struct omega_dns_record, data) + ((const struct omega_dns_record *)data)->captured_len) {
		/* variable size: the header, then captured_len bytes */
		const struct omega_dns_record *rec = data;
		struct omega_frame_dns body = {
			.time_ns = rec->time_boot_ns + boot_to_wall_ns, .ifindex = rec->ifindex,
			.sport = rec->sport, .dport = rec->dport, .family = rec->family, .egress = rec->egress,
			.payload_len = rec->payload_len,
			.captured_len = rec->captured_len > OMEGA_DNS_CAPTURE_LEN ? OMEGA_DNS_CAPTURE_LEN : rec->captured_len,
		};
		memcpy(body.saddr, rec->saddr, 16);
		memcpy(body.daddr, rec->daddr, 16);
		write_frame(OMEGA_FRAME_DNS, &body, sizeof(body), rec->data, body.captured_len, NULL, 0);
	} else if (kind == OMEGA_REC_FILE && size >= sizeof(struct omega_file_record)) {
		const struct omega_file_record *rec = data;
		struct omega_frame_file body = {
			.op = rec->op, .pid = rec->pid, .uid = rec->uid, .gid = rec->gid,
			.watch_id = rec->watch_id, .flags = rec->flags,
			.time_ns = rec->time_boot_ns + boot_to_wall_ns, .cgroup_id = rec->cgroup_id,
			.ino = rec->ino, .dev = rec->dev,
			.path_len = rec->path_len >= OMEGA_FILE_PATH_LEN ? OMEGA_FILE_PATH_LEN - 1 : rec->path_len,
		};
		memcpy(body.comm, rec->comm, sizeof(body.comm));
		write_frame(OMEGA_FRAME_FILE, &body, sizeof(body), rec->path, body.path_len, NULL, 0);
	} else if (kind == OMEGA_REC_AUDIT && size >= sizeof(struct omega_audit_record)) {
		write_audit_frame(loader, data);
	} else {
		fprintf(stderr, "omega-loader: ring buffer record of unknown kind %u (%zu bytes) skipped\n", kind, size);
	}
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* static: zeroed like the rest of the process's state, and too big for the stack */
	static struct loader loader = { .flow_drain_ms = 1000, .flow_idle_ms = 10000 };
	frame_output_open();
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	libbpf_set_print(libbpf_log);
	loader.boot_to_wall_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);

	loader.process_skel = process_bpf__open_and_load();
	if (!loader.process_skel) {
		fprintf(stderr, "omega-loader: loading the process programs failed: %s\n", strerror(errno));
		return 1;
	}
	if (process_bpf__attach(loader.process_skel) != 0) {
		fprintf(stderr, "omega-loader: attaching tp_btf/sched_process_exec|exit failed: %s\n", strerror(errno));
		return 1;
	}
	loader.xdp_skel = xdp_block_bpf__open_and_load();
	if (!loader.xdp_skel) {
		fprintf(stderr, "omega-loader: loading the XDP block list failed: %s\n", strerror(errno));
		return 1;
	}
	if (set_stealth_rate(&loader, 10, 10, 30000) != 0) {
		fprintf(stderr, "omega-loader: setting the default stealth rate failed: %s\n", strerror(errno));
		return 1;
	}
	loader.net_skel = net_bpf__open_and_load();
	if (!loader.net_skel) {
		fprintf(stderr, "omega-loader: loading the network programs failed: %s\n", strerror(errno));
		return 1;
	}
	if (net_bpf__attach(loader.net_skel) != 0) {
		fprintf(stderr, "omega-loader: attaching tp_btf/inet_sock_set_state failed: %s\n", strerror(errno));
		return 1;
	}
	loader.file_skel = file_bpf__open_and_load();
	if (!loader.file_skel) {
		fprintf(stderr, "omega-loader: loading the file programs failed: %s\n", strerror(errno));
		return 1;
	}
	int err = audit_start(&loader);
	if (err) {
		fprintf(stderr, "omega-loader: loading or attaching the security programs (audit.bpf.c) failed: %s\n",
			strerror(-err));
		return 1;
	}
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(loader.process_skel->maps.events), on_record, &loader, NULL);
	if (!rb || ring_buffer__add(rb, bpf_map__fd(loader.net_skel->maps.net_events), on_record, &loader) != 0 ||
	    ring_buffer__add(rb, bpf_map__fd(loader.file_skel->maps.file_events), on_record, &loader) != 0 ||
	    ring_buffer__add(rb, bpf_map__fd(loader.audit_skel->maps.audit_events), on_record, &loader) != 0) {
		fprintf(stderr, "omega-loader: opening the ring buffers failed: %s\n", strerror(errno));
		return 1;
	}
	int timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec every_second = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	timerfd_settime(timer, 0, &every_second, NULL);
	int64_t next_drain_ns = clock_ns(CLOCK_MONOTONIC) + (int64_t)loader.flow_drain_ms * 1000000LL;
	loader.last_drain_boot_ns = clock_ns(CLOCK_BOOTTIME);

	const char features[] = "tp_btf/sched_process_exec,tp_btf/sched_process_exit,tp_btf/inet_sock_set_state,tp_btf/sys_exit,audit,tc,xdp";
	struct omega_frame_hello hello = { .protocol_version = OMEGA_FRAME_VERSION, .features_len = sizeof(features) - 1 };
	write_frame(OMEGA_FRAME_HELLO, &hello, sizeof(hello), features, sizeof(features) - 1, NULL, 0);
	frame_output_flush();

	char line[1024];
	size_t line_len = 0;
	struct pollfd fds[3] = {
		{ .fd = ring_buffer__epoll_fd(rb), .events = POLLIN },
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = timer, .events = POLLIN },
	};
	int status = 0;
	while (!stopping) {
		int n = poll(fds, 3, OMEGA_LOADER_POLL_MS);
		if (n < 0 && errno != EINTR) {
			status = 1;
			break;
		}
		ring_buffer__consume(rb);
		if (fds[2].revents & POLLIN) {
			uint64_t ticks;
			if (read(timer, &ticks, sizeof(ticks)) > 0)
				write_stats(&loader);
		}
		if (clock_ns(CLOCK_MONOTONIC) >= next_drain_ns) {
			drain_flows(&loader);
			next_drain_ns = clock_ns(CLOCK_MONOTONIC) + (int64_t)loader.flow_drain_ms * 1000000LL;
		}
		if (fds[1].revents & (POLLIN | POLLHUP)) {
			char chunk[4096];
			ssize_t got = read(STDIN_FILENO, chunk, sizeof(chunk));
			if (got <= 0)
				break; /* the sentinel went away */
			for (ssize_t i = 0; i < got; i++) {
				if (chunk[i] == '\n') {
					line[line_len] = '\0';
					run_command(&loader, line);
					line_len = 0;
				} else if (line_len < sizeof(line) - 1) {
					line[line_len++] = chunk[i];
				}
			}
		}
		if (frame_output_flush() != 0) {
			status = 1; /* stdout closed */
			break;
		}
	}
	for (int i = 0; i < MAX_XDP_LINKS; i++)
		if (loader.xdp_links[i].link_fd > 0)
			close(loader.xdp_links[i].link_fd);
	for (int i = 0; i < MAX_TC_LINKS; i++)
		if (loader.tc_links[i].ingress_fd > 0) {
			close(loader.tc_links[i].ingress_fd);
			close(loader.tc_links[i].egress_fd);
		}
	ring_buffer__free(rb);
	bpf_link__destroy(loader.file_link);
	bpf_link__destroy(loader.audit_syscall_link);
	bpf_link__destroy(loader.audit_exec_link);
	audit_bpf__destroy(loader.audit_skel);
	file_bpf__destroy(loader.file_skel);
	net_bpf__destroy(loader.net_skel);
	xdp_block_bpf__destroy(loader.xdp_skel);
	process_bpf__destroy(loader.process_skel);
	return status;
}

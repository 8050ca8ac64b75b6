/* omega-sentinel's eBPF loader: loads and attaches the programs, writes frames on stdout, obeys
 * one-line commands on stdin (bpf/README.md). Runs as root; exits when stdin closes. */
#include "loader.h"

struct process_bpf *process_skel;
struct xdp_block_bpf *xdp_skel;
struct net_bpf *net_skel;
struct xdp_attachment xdp_links[MAX_XDP_LINKS];
struct tc_attachment tc_links[MAX_TC_LINKS];
uint64_t flow_drain_ms = 1000, flow_idle_ms = 10000;
int64_t last_drain_boot_ns;
int64_t boot_to_wall_ns;
static volatile sig_atomic_t stopping;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void write_frame(uint16_t type, const void *a, size_t a_len, const void *b, size_t b_len,
			const void *c, size_t c_len)
{
	struct omega_frame_header header = {
		.length = (uint32_t)(a_len + b_len + c_len), .type = type, .version = OMEGA_FRAME_VERSION,
	};
	fwrite(&header, sizeof(header), 1, stdout);
	if (a_len)
		fwrite(a, a_len, 1, stdout);
	if (b_len)
		fwrite(b, b_len, 1, stdout);
	if (c_len)
		fwrite(c, c_len, 1, stdout);
}

void reply(uint32_t id, int status, const char *fmt, ...)
{
	char message[512];
	va_list args;
	va_start(args, fmt);
	int n = vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	if (n < 0)
		n = 0;
	if (n >= (int)sizeof(message))
		n = sizeof(message) - 1;
	struct omega_frame_reply body = { .request_id = id, .status = status, .message_len = (uint16_t)n };
	write_frame(OMEGA_FRAME_REPLY, &body, sizeof(body), message, n, NULL, 0);
	fflush(stdout);
}

static int on_record(void *ctx, void *data, size_t size)
{
	(void)ctx;
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
	} else {
		fprintf(stderr, "omega-loader: ring buffer record of unknown kind %u (%zu bytes) skipped\n", kind, size);
	}
	return 0;
}

static uint64_t percpu_sum(int map_fd, uint32_t key)
{
	int ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0)
		return 0;
	uint64_t values[ncpu];
	if (bpf_map_lookup_elem(map_fd, &key, values) != 0)
		return 0;
	uint64_t sum = 0;
	for (int i = 0; i < ncpu; i++)
		sum += values[i];
	return sum;
}

void write_stats(void)
{
	int lost_fd = bpf_map__fd(process_skel->maps.lost);
	int net_lost_fd = bpf_map__fd(net_skel->maps.net_lost);
	int xdp_fd = bpf_map__fd(xdp_skel->maps.xdp_stats);
	struct omega_frame_stats body = {
		.time_ns = (uint64_t)clock_ns(CLOCK_REALTIME),
		.lost_exec = percpu_sum(lost_fd, OMEGA_LOST_EXEC),
		.lost_exit = percpu_sum(lost_fd, OMEGA_LOST_EXIT),
		.xdp_passed = percpu_sum(xdp_fd, OMEGA_XDP_PASSED),
		.xdp_dropped = percpu_sum(xdp_fd, OMEGA_XDP_DROPPED),
		.lost_tcp = percpu_sum(net_lost_fd, OMEGA_LOST_TCP),
		.lost_dns = percpu_sum(net_lost_fd, OMEGA_LOST_DNS),
		.lost_flow = percpu_sum(net_lost_fd, OMEGA_LOST_FLOW),
		.stealth_unknown = percpu_sum(xdp_fd, OMEGA_XDP_STEALTH_UNKNOWN),
		.stealth_rate_limited = percpu_sum(xdp_fd, OMEGA_XDP_STEALTH_RATE),
		.stealth_sessions = percpu_sum(xdp_fd, OMEGA_XDP_STEALTH_SESSIONS),
	};
	write_frame(OMEGA_FRAME_STATS, &body, sizeof(body), NULL, 0, NULL, 0);
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
	static char out_buffer[1 << 20];
	setvbuf(stdout, out_buffer, _IOFBF, sizeof(out_buffer));
	/* A deeper pipe to the sentinel absorbs its pauses (GC, a publish) before the rings fill;
	 * best effort: an ordinary user's limit is /proc/sys/fs/pipe-max-size. */
	fcntl(STDOUT_FILENO, F_SETPIPE_SZ, 4 << 20);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	libbpf_set_print(libbpf_log);
	boot_to_wall_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);

	process_skel = process_bpf__open_and_load();
	if (!process_skel) {
		fprintf(stderr, "omega-loader: loading the process programs failed: %s\n", strerror(errno));
		return 1;
	}
	if (process_bpf__attach(process_skel) != 0) {
		fprintf(stderr, "omega-loader: attaching tp_btf/sched_process_exec|exit failed: %s\n", strerror(errno));
		return 1;
	}
	xdp_skel = xdp_block_bpf__open_and_load();
	if (!xdp_skel) {
		fprintf(stderr, "omega-loader: loading the XDP block list failed: %s\n", strerror(errno));
		return 1;
	}
	if (set_stealth_rate(10, 10, 30000) != 0) {
		fprintf(stderr, "omega-loader: setting the default stealth rate failed: %s\n", strerror(errno));
		return 1;
	}
	net_skel = net_bpf__open_and_load();
	if (!net_skel) {
		fprintf(stderr, "omega-loader: loading the network programs failed: %s\n", strerror(errno));
		return 1;
	}
	if (net_bpf__attach(net_skel) != 0) {
		fprintf(stderr, "omega-loader: attaching tp_btf/inet_sock_set_state failed: %s\n", strerror(errno));
		return 1;
	}
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(process_skel->maps.events), on_record, NULL, NULL);
	if (!rb || ring_buffer__add(rb, bpf_map__fd(net_skel->maps.net_events), on_record, NULL) != 0) {
		fprintf(stderr, "omega-loader: opening the ring buffers failed: %s\n", strerror(errno));
		return 1;
	}
	int timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec every_second = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	timerfd_settime(timer, 0, &every_second, NULL);
	int64_t next_drain_ns = clock_ns(CLOCK_MONOTONIC) + (int64_t)flow_drain_ms * 1000000LL;
	last_drain_boot_ns = clock_ns(CLOCK_BOOTTIME);

	const char features[] = "tp_btf/sched_process_exec,tp_btf/sched_process_exit,tp_btf/inet_sock_set_state,tc,xdp";
	struct omega_frame_hello hello = { .protocol_version = OMEGA_FRAME_VERSION, .features_len = sizeof(features) - 1 };
	write_frame(OMEGA_FRAME_HELLO, &hello, sizeof(hello), features, sizeof(features) - 1, NULL, 0);
	fflush(stdout);

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
				write_stats();
		}
		if (clock_ns(CLOCK_MONOTONIC) >= next_drain_ns) {
			drain_flows();
			next_drain_ns = clock_ns(CLOCK_MONOTONIC) + (int64_t)flow_drain_ms * 1000000LL;
		}
		if (fds[1].revents & (POLLIN | POLLHUP)) {
			char chunk[4096];
			ssize_t got = read(STDIN_FILENO, chunk, sizeof(chunk));
			if (got <= 0)
				break; /* the sentinel went away */
			for (ssize_t i = 0; i < got; i++) {
				if (chunk[i] == '\n') {
					line[line_len] = '\0';
					run_command(line);
					line_len = 0;
				} else if (line_len < sizeof(line) - 1) {
					line[line_len++] = chunk[i];
				}
			}
		}
		if (fflush(stdout) != 0) {
			status = 1; /* stdout closed */
			break;
		}
	}
	for (int i = 0; i < MAX_XDP_LINKS; i++)
		if (xdp_links[i].link_fd > 0)
			close(xdp_links[i].link_fd);
	for (int i = 0; i < MAX_TC_LINKS; i++)
		if (tc_links[i].ingress_fd > 0) {
			close(tc_links[i].ingress_fd);
			close(tc_links[i].egress_fd);
		}
	ring_buffer__free(rb);
	net_bpf__destroy(net_skel);
	xdp_block_bpf__destroy(xdp_skel);
	process_bpf__destroy(process_skel);
	return status;
}

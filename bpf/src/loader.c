/* omega-sentinel's eBPF loader: loads and attaches the programs, writes frames on stdout, obeys
 * one-line commands on stdin (bpf/README.md). Runs as root; exits when stdin closes. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "sentinel-events.h"
#include "frames.h"
#include "process.skel.h"
#include "xdp_block.skel.h"
#include "net.skel.h"

/* Not in Debian 12's uapi headers (kernel 6.6+): tcx attach types, detached when the link closes. */
#define OMEGA_BPF_TCX_INGRESS 46
#define OMEGA_BPF_TCX_EGRESS 47
#define MAX_TC_LINKS 64

#define MAX_XDP_LINKS 64

struct xdp_attachment {
	char ifname[IF_NAMESIZE];
	char netns[256];
	int link_fd;
};

struct tc_attachment {
	char ifname[IF_NAMESIZE];
	char netns[256];
	int ingress_fd;
	int egress_fd;
};

static struct process_bpf *process_skel;
static struct xdp_block_bpf *xdp_skel;
static struct net_bpf *net_skel;
static struct xdp_attachment xdp_links[MAX_XDP_LINKS];
static struct tc_attachment tc_links[MAX_TC_LINKS];
/* Flow drain: every drain_ms the changed flows are written, those idle for idle_ms removed. */
static uint64_t flow_drain_ms = 1000, flow_idle_ms = 10000;
static int64_t last_drain_boot_ns;
static int64_t boot_to_wall_ns;
static volatile sig_atomic_t stopping;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void write_frame(uint16_t type, const void *a, size_t a_len, const void *b, size_t b_len,
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

static void reply(uint32_t id, int status, const char *fmt, ...)
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

static void write_stats(void)
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

/* "10.0.0.0/8" or "fd00::1" → family 4/6, address bytes, prefix length. */
static int parse_cidr(const char *text, int *family, uint8_t addr[16], int *prefixlen)
{
	char buf[64];
	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1) {
		*family = 4;
		*prefixlen = 32;
	} else if (inet_pton(AF_INET6, buf, addr) == 1) {
		*family = 6;
		*prefixlen = 128;
	} else {
		return -EINVAL;
	}
	if (slash) {
		char *end;
		long n = strtol(slash + 1, &end, 10);
		if (*end != '\0' || end == slash + 1 || n < 0 || n > *prefixlen)
			return -EINVAL;
		*prefixlen = (int)n;
	}
	return 0;
}

static void command_block(uint32_t id, const char *cidr, int add)
{
	int family, prefixlen;
	uint8_t addr[16];
	if (!cidr || parse_cidr(cidr, &family, addr, &prefixlen) != 0) {
		reply(id, -EINVAL, "%s: not an IPv4/IPv6 address or CIDR: '%s'", add ? "block" : "unblock", cidr ? cidr : "");
		return;
	}
	struct omega_lpm_v4 k4 = { .prefixlen = prefixlen };
	struct omega_lpm_v6 k6 = { .prefixlen = prefixlen };
	void *key;
	int fd;
	if (family == 4) {
		memcpy(k4.addr, addr, 4);
		key = &k4;
		fd = bpf_map__fd(xdp_skel->maps.block_v4);
	} else {
		memcpy(k6.addr, addr, 16);
		key = &k6;
		fd = bpf_map__fd(xdp_skel->maps.block_v6);
	}
	int err;
	if (add) {
		struct omega_block_value zero = { 0 };
		/* BPF_NOEXIST keeps an existing entry's counters. */
		err = bpf_map_update_elem(fd, key, &zero, BPF_NOEXIST);
		if (err && errno == EEXIST)
			err = 0;
	} else {
		err = bpf_map_delete_elem(fd, key);
		if (err && errno == ENOENT)
			err = 0;
	}
	if (err)
		reply(id, -errno, "%s %s: %s", add ? "block" : "unblock", cidr, strerror(errno));
	else
		reply(id, 0, "%s %s", add ? "blocked" : "unblocked", cidr);
}

static void list_map(uint32_t id, int fd, int family)
{
	uint8_t key[sizeof(struct omega_lpm_v6)], next[sizeof(struct omega_lpm_v6)];
	void *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		struct omega_block_value value;
		if (bpf_map_lookup_elem(fd, next, &value) == 0) {
			struct omega_frame_block_entry body = { .request_id = id, .family = family };
			body.prefixlen = (uint8_t)*(uint32_t *)next;
			memcpy(body.addr, next + 4, family == 4 ? 4 : 16);
			body.dropped_packets = value.dropped_packets;
			body.dropped_bytes = value.dropped_bytes;
			write_frame(OMEGA_FRAME_BLOCK_ENTRY, &body, sizeof(body), NULL, 0, NULL, 0);
		}
		memcpy(key, next, sizeof(key));
		prev = key;
	}
}

/* Runs fn inside the network namespace at `netns` (a path such as /run/netns/x), or here if NULL. */
static int in_netns(const char *netns, int (*fn)(void *), void *arg)
{
	if (!netns || !*netns)
		return fn(arg);
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	int target = open(netns, O_RDONLY | O_CLOEXEC);
	if (target < 0) {
		int err = -errno;
		close(self);
		return err;
	}
	int result;
	if (setns(target, CLONE_NEWNET) != 0) {
		result = -errno;
	} else {
		result = fn(arg);
		if (setns(self, CLONE_NEWNET) != 0) {
			fprintf(stderr, "omega-loader: cannot return to own network namespace: %s\n", strerror(errno));
			exit(70);
		}
	}
	close(target);
	close(self);
	return result;
}

struct attach_request {
	const char *ifname;
	__u32 flags;
	int link_fd;
};

static int attach_here(void *arg)
{
	struct attach_request *req = arg;
	unsigned int ifindex = if_nametoindex(req->ifname);
	if (ifindex == 0)
		return -ENODEV;
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = req->flags);
	/* A link, not a netlink attachment: the kernel detaches it when the loader exits. */
	int fd = bpf_link_create(bpf_program__fd(xdp_skel->progs.omega_xdp_block), ifindex, BPF_XDP, &opts);
	if (fd < 0)
		return -errno;
	req->link_fd = fd;
	return 0;
}

static void command_xdp_attach(uint32_t id, const char *ifname, const char *mode, const char *netns)
{
	if (!ifname || !mode) {
		reply(id, -EINVAL, "xdp-attach: usage: xdp-attach <ifname> <generic|native> [<netns path>]");
		return;
	}
	__u32 flags;
	if (strcmp(mode, "generic") == 0)
		flags = XDP_FLAGS_SKB_MODE;
	else if (strcmp(mode, "native") == 0)
		flags = XDP_FLAGS_DRV_MODE;
	else {
		reply(id, -EINVAL, "xdp-attach %s: mode must be generic or native, not '%s'", ifname, mode);
		return;
	}
	int slot = -1;
	for (int i = 0; i < MAX_XDP_LINKS; i++)
		if (xdp_links[i].link_fd <= 0) {
			slot = i;
			break;
		}
	if (slot < 0) {
		reply(id, -ENOSPC, "xdp-attach %s: at most %d attachments", ifname, MAX_XDP_LINKS);
		return;
	}
	struct attach_request req = { .ifname = ifname, .flags = flags };
	int err = in_netns(netns, attach_here, &req);
	if (err) {
		reply(id, err, "xdp-attach %s (%s mode%s%s): %s", ifname, mode, netns ? ", netns " : "",
		      netns ? netns : "", strerror(-err));
		return;
	}
	struct xdp_attachment *a = &xdp_links[slot];
	snprintf(a->ifname, sizeof(a->ifname), "%s", ifname);
	snprintf(a->netns, sizeof(a->netns), "%s", netns ? netns : "");
	a->link_fd = req.link_fd;
	reply(id, 0, "xdp attached to %s (%s mode)", ifname, mode);
}

static void command_xdp_detach(uint32_t id, const char *ifname, const char *netns)
{
	for (int i = 0; i < MAX_XDP_LINKS; i++) {
		struct xdp_attachment *a = &xdp_links[i];
		if (a->link_fd > 0 && ifname && strcmp(a->ifname, ifname) == 0 &&
		    strcmp(a->netns, netns ? netns : "") == 0) {
			close(a->link_fd);
			a->link_fd = 0;
			reply(id, 0, "xdp detached from %s", ifname);
			return;
		}
	}
	reply(id, -ENOENT, "xdp-detach %s: not attached by this loader", ifname ? ifname : "");
}

static void write_flow(const struct omega_flow_key *key, const struct omega_flow_value *value, int ended)
{
	struct omega_frame_flow body = {
		.sport = key->sport, .dport = key->dport, .protocol = key->protocol, .family = key->family,
		.ended = (uint8_t)ended, .tcp_flags = value->tcp_flags,
		.first_ns = value->first_boot_ns + boot_to_wall_ns, .last_ns = value->last_boot_ns + boot_to_wall_ns,
		.bytes_out = value->bytes_out, .bytes_in = value->bytes_in,
		.packets_out = value->packets_out, .packets_in = value->packets_in,
	};
	memcpy(body.saddr, key->saddr, 16);
	memcpy(body.daddr, key->daddr, 16);
	write_frame(OMEGA_FRAME_FLOW, &body, sizeof(body), NULL, 0, NULL, 0);
}

/* Writes a FLOW frame for every flow that saw packets since the last drain, and removes (with a
 * final `ended` frame) those idle for flow_idle_ms. Keys to remove are collected first: deleting
 * while walking a hash map restarts the walk. */
static void drain_flows(void)
{
	int fd = bpf_map__fd(net_skel->maps.flows);
	int64_t now = clock_ns(CLOCK_BOOTTIME);
	int64_t idle_ns = (int64_t)flow_idle_ms * 1000000LL;
	static struct omega_flow_key idle[65536];
	size_t idle_count = 0;
	struct omega_flow_key key, next;
	struct omega_flow_key *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct omega_flow_value value;
		if (bpf_map_lookup_elem(fd, &next, &value) == 0) {
			if (now - (int64_t)value.last_boot_ns >= idle_ns) {
				if (idle_count < sizeof(idle) / sizeof(idle[0]))
					idle[idle_count++] = next;
			} else if ((int64_t)value.last_boot_ns > last_drain_boot_ns) {
				write_flow(&next, &value, 0);
			}
		}
		key = next;
		prev = &key;
	}
	for (size_t i = 0; i < idle_count; i++) {
		struct omega_flow_value value;
		/* the final counters and the removal in one step: a packet racing in is not lost twice */
		if (bpf_map_lookup_and_delete_elem(fd, &idle[i], &value) == 0)
			write_flow(&idle[i], &value, 1);
	}
	last_drain_boot_ns = now;
}

struct tc_request {
	const char *ifname;
	int ingress_fd;
	int egress_fd;
};

static int tc_attach_here(void *arg)
{
	struct tc_request *req = arg;
	unsigned int ifindex = if_nametoindex(req->ifname);
	if (ifindex == 0)
		return -ENODEV;
	/* tcx links (not netlink filters): the kernel removes them when the loader exits */
	int in = bpf_link_create(bpf_program__fd(net_skel->progs.omega_tc_ingress), ifindex, OMEGA_BPF_TCX_INGRESS, NULL);
	if (in < 0)
		return -errno;
	int out = bpf_link_create(bpf_program__fd(net_skel->progs.omega_tc_egress), ifindex, OMEGA_BPF_TCX_EGRESS, NULL);
	if (out < 0) {
		int err = -errno;
		close(in);
		return err;
	}
	req->ingress_fd = in;
	req->egress_fd = out;
	return 0;
}


static void command_tc_attach(uint32_t id, const char *ifname, const char *netns)
{
	if (!ifname) {
		reply(id, -EINVAL, "tc-attach: usage: tc-attach <ifname> [<netns path>]");
		return;
	}
	int slot = -1;
	for (int i = 0; i < MAX_TC_LINKS; i++)
		if (tc_links[i].ingress_fd <= 0) {
			slot = i;
			break;
		}
	if (slot < 0) {
		reply(id, -ENOSPC, "tc-attach %s: at most %d attachments", ifname, MAX_TC_LINKS);
		return;
	}
	struct tc_request req = { .ifname = ifname };
	int err = in_netns(netns, tc_attach_here, &req);
	if (err) {
		reply(id, err, "tc-attach %s%s%s: %s", ifname, netns ? " (netns " : "", netns ? netns : "",
		      strerror(-err));
		return;
	}
	struct tc_attachment *a = &tc_links[slot];
	snprintf(a->ifname, sizeof(a->ifname), "%s", ifname);
	snprintf(a->netns, sizeof(a->netns), "%s", netns ? netns : "");
	a->ingress_fd = req.ingress_fd;
	a->egress_fd = req.egress_fd;
	reply(id, 0, "flow accounting attached to %s (tcx ingress+egress)", ifname);
}

static void command_tc_detach(uint32_t id, const char *ifname, const char *netns)
{
	for (int i = 0; i < MAX_TC_LINKS; i++) {
		struct tc_attachment *a = &tc_links[i];
		if (a->ingress_fd > 0 && ifname && strcmp(a->ifname, ifname) == 0 &&
		    strcmp(a->netns, netns ? netns : "") == 0) {
			close(a->ingress_fd);
			close(a->egress_fd);
			a->ingress_fd = a->egress_fd = 0;
			reply(id, 0, "flow accounting detached from %s", ifname);
			return;
		}
	}
	reply(id, -ENOENT, "tc-detach %s: not attached by this loader", ifname ? ifname : "");
}

static int parse_ms(const char *text, uint64_t *out)
{
	if (!text)
		return -EINVAL;
	char *end;
	unsigned long long n = strtoull(text, &end, 10);
	if (*end != '\0' || end == text || n == 0 || n > 86400000ULL)
		return -EINVAL;
	*out = n;
	return 0;
}

static void command_flow_timing(uint32_t id, const char *drain, const char *idle)
{
	uint64_t d, i;
	if (parse_ms(drain, &d) != 0 || parse_ms(idle, &i) != 0) {
		reply(id, -EINVAL, "flow-timing: usage: flow-timing <drain ms> <idle ms> (1..86400000)");
		return;
	}
	flow_drain_ms = d;
	flow_idle_ms = i;
	reply(id, 0, "flows drained every %llu ms, idle after %llu ms", (unsigned long long)d, (unsigned long long)i);
}

static void command_stealth_port(uint32_t id, const char *op, const char *port_text)
{
	char *end = NULL;
	long port = port_text ? strtol(port_text, &end, 10) : -1;
	int add = op && strcmp(op, "add") == 0;
	if (!op || (!add && strcmp(op, "del") != 0) || !port_text || *end != '\0' || port < 1 || port > 65535) {
		reply(id, -EINVAL, "stealth-port: usage: stealth-port add|del <udp port 1..65535>, not '%s %s'",
		      op ? op : "", port_text ? port_text : "");
		return;
	}
	uint16_t key = (uint16_t)port;
	uint8_t one = 1;
	int fd = bpf_map__fd(xdp_skel->maps.stealth_ports);
	int err = add ? bpf_map_update_elem(fd, &key, &one, BPF_ANY) : bpf_map_delete_elem(fd, &key);
	if (err && !(errno == ENOENT && !add))
		reply(id, -errno, "stealth-port %s %ld: %s", op, port, strerror(errno));
	else
		reply(id, 0, "stealth port %ld %s", port, add ? "protected" : "unprotected");
}

static void command_stealth_allow(uint32_t id, const char *op, const char *cidr)
{
	int family, prefixlen;
	uint8_t addr[16];
	int add = op && strcmp(op, "add") == 0;
	if (!op || (!add && strcmp(op, "del") != 0) || !cidr || parse_cidr(cidr, &family, addr, &prefixlen) != 0) {
		reply(id, -EINVAL, "stealth-allow: usage: stealth-allow add|del <ip or cidr>, not '%s %s'",
		      op ? op : "", cidr ? cidr : "");
		return;
	}
	struct omega_lpm_v4 k4 = { .prefixlen = prefixlen };
	struct omega_lpm_v6 k6 = { .prefixlen = prefixlen };
	void *key;
	int fd;
	if (family == 4) {
		memcpy(k4.addr, addr, 4);
		key = &k4;
		fd = bpf_map__fd(xdp_skel->maps.stealth_allow_v4);
	} else {
		memcpy(k6.addr, addr, 16);
		key = &k6;
		fd = bpf_map__fd(xdp_skel->maps.stealth_allow_v6);
	}
	uint8_t one = 1;
	int err = add ? bpf_map_update_elem(fd, key, &one, BPF_ANY) : bpf_map_delete_elem(fd, key);
	if (err && !(errno == ENOENT && !add))
		reply(id, -errno, "stealth-allow %s %s: %s", op, cidr, strerror(errno));
	else
		reply(id, 0, "stealth allowlist %s %s", add ? "added" : "removed", cidr);
}

static int set_stealth_rate(uint64_t per_second, uint64_t burst, uint64_t session_idle_ms)
{
	struct omega_stealth_config cfg = {
		.interval_ns = 1000000000ULL / per_second, .burst = burst,
		.session_idle_ns = session_idle_ms * 1000000ULL,
	};
	uint32_t zero = 0;
	return bpf_map_update_elem(bpf_map__fd(xdp_skel->maps.stealth_config), &zero, &cfg, BPF_ANY);
}

static void command_stealth_rate(uint32_t id, const char *rate, const char *burst, const char *idle)
{
	uint64_t r, b, i = 30000;
	if (parse_ms(rate, &r) != 0 || r > 1000000000ULL || parse_ms(burst, &b) != 0 || (idle && parse_ms(idle, &i) != 0)) {
		reply(id, -EINVAL, "stealth-rate: usage: stealth-rate <new sessions/s> <burst> [<session idle ms>], each a positive integer");
		return;
	}
	if (set_stealth_rate(r, b, i) != 0)
		reply(id, -errno, "stealth-rate: %s", strerror(errno));
	else
		reply(id, 0, "stealth: %llu new sessions/s per source, burst %llu, sessions idle after %llu ms",
		      (unsigned long long)r, (unsigned long long)b, (unsigned long long)i);
}

/* One command line: "<id> <verb> [args...]". */
static void run_command(char *line)
{
	char *save = NULL;
	char *id_text = strtok_r(line, " \t", &save);
	char *verb = strtok_r(NULL, " \t", &save);
	char *a1 = strtok_r(NULL, " \t", &save);
	char *a2 = strtok_r(NULL, " \t", &save);
	char *a3 = strtok_r(NULL, " \t", &save);
	if (!id_text)
		return;
	char *end;
	unsigned long id = strtoul(id_text, &end, 10);
	if (*end != '\0' || !verb) {
		reply(0, -EINVAL, "bad command line: expected '<id> <verb> [args]'");
		return;
	}
	if (strcmp(verb, "block") == 0)
		command_block(id, a1, 1);
	else if (strcmp(verb, "unblock") == 0)
		command_block(id, a1, 0);
	else if (strcmp(verb, "list") == 0) {
		list_map(id, bpf_map__fd(xdp_skel->maps.block_v4), 4);
		list_map(id, bpf_map__fd(xdp_skel->maps.block_v6), 6);
		reply(id, 0, "listed");
	} else if (strcmp(verb, "stats") == 0) {
		write_stats();
		reply(id, 0, "stats");
	} else if (strcmp(verb, "xdp-attach") == 0)
		command_xdp_attach(id, a1, a2, a3);
	else if (strcmp(verb, "xdp-detach") == 0)
		command_xdp_detach(id, a1, a2);
	else if (strcmp(verb, "tc-attach") == 0)
		command_tc_attach(id, a1, a2);
	else if (strcmp(verb, "tc-detach") == 0)
		command_tc_detach(id, a1, a2);
	else if (strcmp(verb, "flow-timing") == 0)
		command_flow_timing(id, a1, a2);
	else if (strcmp(verb, "flows") == 0) {
		drain_flows();
		reply(id, 0, "flows drained");
	} else if (strcmp(verb, "stealth-port") == 0)
		command_stealth_port(id, a1, a2);
	else if (strcmp(verb, "stealth-allow") == 0)
		command_stealth_allow(id, a1, a2);
	else if (strcmp(verb, "stealth-rate") == 0)
		command_stealth_rate(id, a1, a2, a3);
	else
		reply(id, -EINVAL,
		      "unknown command '%s' (block, unblock, list, stats, xdp-attach, xdp-detach, tc-attach, "
		      "tc-detach, flow-timing, flows, stealth-port, stealth-allow, stealth-rate)",
		      verb);
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
		int n = poll(fds, 3, 50);
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

/* The loader's stdin commands (bpf/README.md "Commands"): block lists, XDP and tc attachments,
 * flow timing, stealth settings; the watched files' commands are in loader-files.c. */
/* Over 400 lines on purpose: every stdin command of the loader, one protocol in one dispatch. */
#include "loader-state.h"
#include "loader-commands.h"
#include "loader-flows.h"
#include "loader-stats.h"
#include "loader-files.h"
#include "loader-audit.h"
#include "loader-enforce.h"

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

static void command_block(struct loader *loader, uint32_t id, const char *cidr, int add)
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
		fd = bpf_map__fd(loader->xdp_skel->maps.block_v4);
	} else {
		memcpy(k6.addr, addr, 16);
		key = &k6;
		fd = bpf_map__fd(loader->xdp_skel->maps.block_v6);
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
	const struct loader *loader;
	const char *ifname;
	__u32 flags;
	int link_fd;
};

static int attach_here(void *arg)
{
	struct attach_request *req = arg;
	const struct loader *loader = req->loader;
	unsigned int ifindex = if_nametoindex(req->ifname);
	if (ifindex == 0)
		return -ENODEV;
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = req->flags);
	/* A link, not a netlink attachment: the kernel detaches it when the loader exits. */
	int fd = bpf_link_create(bpf_program__fd(loader->xdp_skel->progs.omega_xdp_block), ifindex, BPF_XDP, &opts);
	if (fd < 0)
		return -errno;
	req->link_fd = fd;
	return 0;
}

static void command_xdp_attach(struct loader *loader, uint32_t id, const char *ifname, const char *mode, const char *netns)
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
		if (loader->xdp_links[i].link_fd <= 0) {
			slot = i;
			break;
		}
	if (slot < 0) {
		reply(id, -ENOSPC, "xdp-attach %s: at most %d attachments", ifname, MAX_XDP_LINKS);
		return;
	}
	struct attach_request req = { .loader = loader, .ifname = ifname, .flags = flags };
	int err = in_netns(netns, attach_here, &req);
	if (err) {
		reply(id, err, "xdp-attach %s (%s mode%s%s): %s", ifname, mode, netns ? ", netns " : "",
		      netns ? netns : "", strerror(-err));
		return;
	}
	struct xdp_attachment *a = &loader->xdp_links[slot];
	snprintf(a->ifname, sizeof(a->ifname), "%s", ifname);
	snprintf(a->netns, sizeof(a->netns), "%s", netns ? netns : "");
	a->link_fd = req.link_fd;
	reply(id, 0, "xdp attached to %s (%s mode)", ifname, mode);
}

static void command_xdp_detach(struct loader *loader, uint32_t id, const char *ifname, const char *netns)
{
	for (int i = 0; i < MAX_XDP_LINKS; i++) {
		struct xdp_attachment *a = &loader->xdp_links[i];
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

struct tc_request {
	const struct loader *loader;
	const char *ifname;
	int ingress_fd;
	int egress_fd;
};

static int tc_attach_here(void *arg)
{
	struct tc_request *req = arg;
	const struct loader *loader = req->loader;
	unsigned int ifindex = if_nametoindex(req->ifname);
	if (ifindex == 0)
		return -ENODEV;
	/* tcx links (not netlink filters): the kernel removes them when the loader exits */
	int in = bpf_link_create(bpf_program__fd(loader->net_skel->progs.omega_tc_ingress), ifindex, OMEGA_BPF_TCX_INGRESS, NULL);
	if (in < 0)
		return -errno;
	int out = bpf_link_create(bpf_program__fd(loader->net_skel->progs.omega_tc_egress), ifindex, OMEGA_BPF_TCX_EGRESS, NULL);
	if (out < 0) {
		int err = -errno;
		close(in);
		return err;
	}
	req->ingress_fd = in;
	req->egress_fd = out;
	return 0;
}


static void command_tc_attach(struct loader *loader, uint32_t id, const char *ifname, const char *netns)
{
	if (!ifname) {
		reply(id, -EINVAL, "tc-attach: usage: tc-attach <ifname> [<netns path>]");
		return;
	}
	int slot = -1;
	for (int i = 0; i < MAX_TC_LINKS; i++)
		if (loader->tc_links[i].ingress_fd <= 0) {
			slot = i;
			break;
		}
	if (slot < 0) {
		reply(id, -ENOSPC, "tc-attach %s: at most %d attachments", ifname, MAX_TC_LINKS);
		return;
	}
	struct tc_request req = { .loader = loader, .ifname = ifname };
	int err = in_netns(netns, tc_attach_here, &req);
	if (err) {
		reply(id, err, "tc-attach %s%s%s: %s", ifname, netns ? " (netns " : "", netns ? netns : "",
		      strerror(-err));
		return;
	}
	struct tc_attachment *a = &loader->tc_links[slot];
	snprintf(a->ifname, sizeof(a->ifname), "%s", ifname);
	snprintf(a->netns, sizeof(a->netns), "%s", netns ? netns : "");
	a->ingress_fd = req.ingress_fd;
	a->egress_fd = req.egress_fd;
	reply(id, 0, "flow accounting attached to %s (tcx ingress+egress)", ifname);
}

static void command_tc_detach(struct loader *loader, uint32_t id, const char *ifname, const char *netns)
{
	for (int i = 0; i < MAX_TC_LINKS; i++) {
		struct tc_attachment *a = &loader->tc_links[i];
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

static void command_flow_timing(struct loader *loader, uint32_t id, const char *drain, const char *idle)
{
	uint64_t d, i;
	if (parse_ms(drain, &d) != 0 || parse_ms(idle, &i) != 0) {
		reply(id, -EINVAL, "flow-timing: usage: flow-timing <drain ms> <idle ms> (1..86400000)");
		return;
	}
	loader->flow_drain_ms = d;
	loader->flow_idle_ms = i;
	reply(id, 0, "flows drained every %llu ms, idle after %llu ms", (unsigned long long)d, (unsigned long long)i);
}

static void command_stealth_port(struct loader *loader, uint32_t id, const char *op, const char *port_text)
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
	int fd = bpf_map__fd(loader->xdp_skel->maps.stealth_ports);
	int err = add ? bpf_map_update_elem(fd, &key, &one, BPF_ANY) : bpf_map_delete_elem(fd, &key);
	if (err && !(errno == ENOENT && !add))
		reply(id, -errno, "stealth-port %s %ld: %s", op, port, strerror(errno));
	else
		reply(id, 0, "stealth port %ld %s", port, add ? "protected" : "unprotected");
}

static void command_stealth_allow(struct loader *loader, uint32_t id, const char *op, const char *cidr)
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
		fd = bpf_map__fd(loader->xdp_skel->maps.stealth_allow_v4);
	} else {
		memcpy(k6.addr, addr, 16);
		key = &k6;
		fd = bpf_map__fd(loader->xdp_skel->maps.stealth_allow_v6);
	}
	uint8_t one = 1;
	int err = add ? bpf_map_update_elem(fd, key, &one, BPF_ANY) : bpf_map_delete_elem(fd, key);
	if (err && !(errno == ENOENT && !add))
		reply(id, -errno, "stealth-allow %s %s: %s", op, cidr, strerror(errno));
	else
		reply(id, 0, "stealth allowlist %s %s", add ? "added" : "removed", cidr);
}

int set_stealth_rate(struct loader *loader, uint64_t per_second, uint64_t burst, uint64_t session_idle_ms)
{
	struct omega_stealth_config cfg = {
		.interval_ns = 1000000000ULL / per_second, .burst = burst,
		.session_idle_ns = session_idle_ms * 1000000ULL,
	};
	uint32_t zero = 0;
	return bpf_map_update_elem(bpf_map__fd(loader->xdp_skel->maps.stealth_config), &zero, &cfg, BPF_ANY);
}

static void command_stealth_rate(struct loader *loader, uint32_t id, const char *rate, const char *burst, const char *idle)
{
	uint64_t r, b, i = 30000;
	if (parse_ms(rate, &r) != 0 || r > 1000000000ULL || parse_ms(burst, &b) != 0 || (idle && parse_ms(idle, &i) != 0)) {
		reply(id, -EINVAL, "stealth-rate: usage: stealth-rate <new sessions/s> <burst> [<session idle ms>], each a positive integer");
		return;
	}
	if (set_stealth_rate(loader, r, b, i) != 0)
		reply(id, -errno, "stealth-rate: %s", strerror(errno));
	else
		reply(id, 0, "stealth: %llu new sessions/s per source, burst %llu, sessions idle after %llu ms",
		      (unsigned long long)r, (unsigned long long)b, (unsigned long long)i);
}

/* One command line: "<id> <verb> [args...]". */
void run_command(struct loader *loader, char *line)
{
	char *save = NULL;
	char *id_text = strtok_r(line, " \t", &save);
	char *verb = strtok_r(NULL, " \t", &save);
	char *a1 = strtok_r(NULL, " \t", &save);
	char *a2 = strtok_r(NULL, " \t", &save);
	char *a3 = strtok_r(NULL, " \t", &save);
	char *a4 = strtok_r(NULL, " \t", &save);
	if (!id_text)
		return;
	char *end;
	unsigned long id = strtoul(id_text, &end, 10);
	if (*end != '\0' || !verb) {
		reply(0, -EINVAL, "bad command line: expected '<id> <verb> [args]'");
		return;
	}
	if (strcmp(verb, "block") == 0)
		command_block(loader, id, a1, 1);
	else if (strcmp(verb, "unblock") == 0)
		command_block(loader, id, a1, 0);
	else if (strcmp(verb, "list") == 0) {
		list_map(id, bpf_map__fd(loader->xdp_skel->maps.block_v4), 4);
		list_map(id, bpf_map__fd(loader->xdp_skel->maps.block_v6), 6);
		reply(id, 0, "listed");
	} else if (strcmp(verb, "stats") == 0) {
		write_stats(loader);
		reply(id, 0, "stats");
	} else if (strcmp(verb, "xdp-attach") == 0)
		command_xdp_attach(loader, id, a1, a2, a3);
	else if (strcmp(verb, "xdp-detach") == 0)
		command_xdp_detach(loader, id, a1, a2);
	else if (strcmp(verb, "tc-attach") == 0)
		command_tc_attach(loader, id, a1, a2);
	else if (strcmp(verb, "tc-detach") == 0)
		command_tc_detach(loader, id, a1, a2);
	else if (strcmp(verb, "flow-timing") == 0)
		command_flow_timing(loader, id, a1, a2);
	else if (strcmp(verb, "flows") == 0) {
		drain_flows(loader);
		reply(id, 0, "flows drained");
	} else if (strcmp(verb, "stealth-port") == 0)
		command_stealth_port(loader, id, a1, a2);
	else if (strcmp(verb, "stealth-allow") == 0)
		command_stealth_allow(loader, id, a1, a2);
	else if (strcmp(verb, "stealth-rate") == 0)
		command_stealth_rate(loader, id, a1, a2, a3);
	else if (strcmp(verb, "file-watch") == 0)
		command_file_watch(loader, id, a1, a2, a3);
	else if (strcmp(verb, "file-unwatch") == 0)
		command_file_unwatch(loader, id, a1);
	else if (strcmp(verb, "audit-rate") == 0)
		command_audit_rate(loader, id, a1);
	else if (strcmp(verb, "audit-syscalls") == 0)
		command_audit_syscalls(loader, id, a1);
	else if (strcmp(verb, "file-prefix") == 0)
		command_file_prefix(loader, id, a1, a2, a3);
	else if (strcmp(verb, "file-unprefix") == 0)
		command_file_unprefix(loader, id, a1);
	else if (strcmp(verb, "enforce") == 0)
		command_enforce(loader, id, a1, a2, a3, a4);
	else if (strcmp(verb, "unenforce") == 0)
		command_unenforce(loader, id, a1);
	else
		reply(id, -EINVAL,
		      "unknown command '%s' (block, unblock, list, stats, xdp-attach, xdp-detach, tc-attach, "
		      "tc-detach, flow-timing, flows, stealth-port, stealth-allow, stealth-rate, file-watch, file-unwatch, file-prefix, file-unprefix, audit-syscalls, audit-rate, enforce, unenforce)",
		      verb);
}

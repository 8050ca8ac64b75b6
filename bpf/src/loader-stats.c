/* The loader's clock and its STATS frame (ring-buffer losses, XDP and stealth counters). */
#include "loader-state.h"
#include "loader-stats.h"

int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
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

void write_stats(const struct loader *loader)
{
	int lost_fd = bpf_map__fd(loader->process_skel->maps.lost);
	int net_lost_fd = bpf_map__fd(loader->net_skel->maps.net_lost);
	int file_lost_fd = bpf_map__fd(loader->file_skel->maps.file_lost);
	int audit_lost_fd = bpf_map__fd(loader->audit_skel->maps.audit_lost);
	int xdp_fd = bpf_map__fd(loader->xdp_skel->maps.xdp_stats);
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
		.lost_file = percpu_sum(file_lost_fd, OMEGA_LOST_FILE),
		.lost_audit = percpu_sum(audit_lost_fd, OMEGA_LOST_AUDIT),
		.audit_rate_limited = percpu_sum(audit_lost_fd, OMEGA_AUDIT_RATE_LIMITED),
	};
	write_frame(OMEGA_FRAME_STATS, &body, sizeof(body), NULL, 0, NULL, 0);
}

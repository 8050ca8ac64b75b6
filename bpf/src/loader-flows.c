/* Drains the kernel's flow table into FLOW frames. */
#include "loader-state.h"
#include "loader-flows.h"
#include "loader-stats.h"

static void write_flow(const struct loader *loader, const struct omega_flow_key *key,
		       const struct omega_flow_value *value, int ended)
{
	int64_t boot_to_wall_ns = loader->boot_to_wall_ns;
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
void drain_flows(struct loader *loader)
{
	int fd = bpf_map__fd(loader->net_skel->maps.flows);
	int64_t now = clock_ns(CLOCK_BOOTTIME);
	int64_t idle_ns = (int64_t)loader->flow_idle_ms * 1000000LL;
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
			} else if ((int64_t)value.last_boot_ns > loader->last_drain_boot_ns) {
				write_flow(loader, &next, &value, 0);
			}
		}
		key = next;
		prev = &key;
	}
	for (size_t i = 0; i < idle_count; i++) {
		struct omega_flow_value value;
		/* the final counters and the removal in one step: a packet racing in is not lost twice */
		if (bpf_map_lookup_and_delete_elem(fd, &idle[i], &value) == 0)
			write_flow(loader, &idle[i], &value, 1);
	}
	loader->last_drain_boot_ns = now;
}

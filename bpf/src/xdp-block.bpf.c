// SPDX-License-Identifier: GPL-2.0
/* XDP enforcement: drop packets whose source matches the IPv4/IPv6 LPM-trie block lists, and
 * "stealth" protected UDP ports: unknown sources dropped silently, a per-source new-session rate. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "sentinel-events.h"

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__type(key, struct omega_lpm_v4);
	__type(value, struct omega_block_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} block_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__type(key, struct omega_lpm_v6);
	__type(value, struct omega_block_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} block_v6 SEC(".maps");

/* enum omega_xdp_stat slots, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OMEGA_XDP_STATS);
	__type(key, __u32);
	__type(value, __u64);
} xdp_stats SEC(".maps");

/* Protected UDP destination ports (host byte order). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u16);
	__type(value, __u8);
} stealth_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16384);
	__type(key, struct omega_lpm_v4);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} stealth_allow_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16384);
	__type(key, struct omega_lpm_v6);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} stealth_allow_v6 SEC(".maps");

/* Open sessions → last packet (boot ns). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct omega_stealth_session_key);
	__type(value, __u64);
} stealth_sessions SEC(".maps");

/* Per-source GCRA state: the theoretical arrival time of the next session (boot ns). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct omega_stealth_source_key);
	__type(value, __u64);
} stealth_sources SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct omega_stealth_config);
} stealth_config SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *counter = bpf_map_lookup_elem(&xdp_stats, &slot);
	if (counter)
		*counter += 1;
}

static __always_inline int verdict(int action)
{
	count(action == XDP_DROP ? OMEGA_XDP_DROPPED : OMEGA_XDP_PASSED);
	return action;
}

/* A UDP packet to a protected port: XDP_PASS or XDP_DROP (counted, never answered). */
static __always_inline int stealth(struct omega_stealth_source_key *source, int allowed, __u16 sport, __u16 dport)
{
	if (!allowed) {
		count(OMEGA_XDP_STEALTH_UNKNOWN);
		return XDP_DROP;
	}
	__u32 zero = 0;
	struct omega_stealth_config *cfg = bpf_map_lookup_elem(&stealth_config, &zero);
	if (!cfg || cfg->interval_ns == 0)
		return XDP_PASS; /* no rate configured */
	__u64 now = bpf_ktime_get_boot_ns();
	struct omega_stealth_session_key session = { .sport = sport, .dport = dport, .family = source->family };
	__builtin_memcpy(session.addr, source->addr, 16);
	__u64 *seen = bpf_map_lookup_elem(&stealth_sessions, &session);
	if (seen && now - *seen < cfg->session_idle_ns) {
		*seen = now;
		return XDP_PASS;
	}
	/* GCRA: admit when the source's theoretical arrival time is within burst - 1 intervals of now.
	 * Not atomic across CPUs: packets of one source racing on two CPUs may admit one extra. */
	__u64 tat = now;
	__u64 *state = bpf_map_lookup_elem(&stealth_sources, source);
	if (state && *state > now)
		tat = *state;
	__u64 tolerance = cfg->burst > 0 ? (cfg->burst - 1) * cfg->interval_ns : 0;
	if (tat - now > tolerance) {
		count(OMEGA_XDP_STEALTH_RATE);
		return XDP_DROP;
	}
	tat += cfg->interval_ns;
	bpf_map_update_elem(&stealth_sources, source, &tat, BPF_ANY);
	bpf_map_update_elem(&stealth_sessions, &session, &now, BPF_ANY);
	count(OMEGA_XDP_STEALTH_SESSIONS);
	return XDP_PASS;
}

static __always_inline int udp_ports(void *l4, void *data_end, __u16 *sport, __u16 *dport)
{
	struct udphdr *udp = l4;
	if ((void *)(udp + 1) > data_end)
		return -1;
	*sport = bpf_ntohs(udp->source);
	*dport = bpf_ntohs(udp->dest);
	return 0;
}

static __always_inline int drop(struct omega_block_value *entry, __u64 bytes)
{
	__sync_fetch_and_add(&entry->dropped_packets, 1);
	__sync_fetch_and_add(&entry->dropped_bytes, bytes);
	return verdict(XDP_DROP);
}

SEC("xdp")
int omega_xdp_block(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 bytes = data_end - data;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return verdict(XDP_PASS);
	__u16 proto = eth->h_proto;
	void *l3 = eth + 1;
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_hdr *vlan = l3;
		if ((void *)(vlan + 1) > data_end)
			return verdict(XDP_PASS);
		proto = vlan->h_vlan_encapsulated_proto;
		l3 = vlan + 1;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = l3;
		if ((void *)(ip + 1) > data_end)
			return verdict(XDP_PASS);
		struct omega_lpm_v4 key = { .prefixlen = 32 };
		__builtin_memcpy(key.addr, &ip->saddr, 4);
		struct omega_block_value *entry = bpf_map_lookup_elem(&block_v4, &key);
		if (entry)
			return drop(entry, bytes);
		__u16 sport, dport;
		if (ip->protocol == 17 && (bpf_ntohs(ip->frag_off) & 0x1fff) == 0 &&
		    udp_ports((void *)ip + ip->ihl * 4, data_end, &sport, &dport) == 0 &&
		    bpf_map_lookup_elem(&stealth_ports, &dport)) {
			struct omega_stealth_source_key source = { .family = 4 };
			__builtin_memcpy(source.addr, &ip->saddr, 4);
			int allowed = bpf_map_lookup_elem(&stealth_allow_v4, &key) != NULL;
			return verdict(stealth(&source, allowed, sport, dport));
		}
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;
		if ((void *)(ip6 + 1) > data_end)
			return verdict(XDP_PASS);
		struct omega_lpm_v6 key = { .prefixlen = 128 };
		__builtin_memcpy(key.addr, &ip6->saddr, 16);
		struct omega_block_value *entry = bpf_map_lookup_elem(&block_v6, &key);
		if (entry)
			return drop(entry, bytes);
		__u16 sport, dport;
		if (ip6->nexthdr == 17 && udp_ports(ip6 + 1, data_end, &sport, &dport) == 0 &&
		    bpf_map_lookup_elem(&stealth_ports, &dport)) {
			struct omega_stealth_source_key source = { .family = 6 };
			__builtin_memcpy(source.addr, &ip6->saddr, 16);
			int allowed = bpf_map_lookup_elem(&stealth_allow_v6, &key) != NULL;
			return verdict(stealth(&source, allowed, sport, dport));
		}
	}
	return verdict(XDP_PASS);
}

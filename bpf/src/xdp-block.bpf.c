// SPDX-License-Identifier: GPL-2.0
/* XDP enforcement: drop packets whose source matches the IPv4/IPv6 LPM-trie block lists. */
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

/* [0] packets passed, [1] packets dropped, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} xdp_stats SEC(".maps");

static __always_inline int verdict(int action)
{
	__u32 slot = action == XDP_DROP ? 1 : 0;
	__u64 *counter = bpf_map_lookup_elem(&xdp_stats, &slot);
	if (counter)
		*counter += 1;
	return action;
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
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;
		if ((void *)(ip6 + 1) > data_end)
			return verdict(XDP_PASS);
		struct omega_lpm_v6 key = { .prefixlen = 128 };
		__builtin_memcpy(key.addr, &ip6->saddr, 16);
		struct omega_block_value *entry = bpf_map_lookup_elem(&block_v6, &key);
		if (entry)
			return drop(entry, bytes);
	}
	return verdict(XDP_PASS);
}

// SPDX-License-Identifier: GPL-2.0
/* Network telemetry: TCP state changes (tp_btf/inet_sock_set_state), per-flow accounting in both
 * directions (tc ingress + egress into the `flows` LRU map, drained by the loader) and DNS packets
 * (UDP port 53) copied to the ring buffer for parsing in user space. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "sentinel-events.h"
#include "ringbuf-wakeup.h"

#define AF_INET 2
#define AF_INET6 10
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define TC_NEXT -1 /* TC_ACT_UNSPEC / TCX_NEXT: observe only, never change the verdict */
#define DNS_PORT 53

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} net_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OMEGA_NET_LOST_KINDS);
	__type(key, __u32);
	__type(value, __u64);
} net_lost SEC(".maps");

/* Live flows; the loader reads and deletes idle ones. LRU: a full table evicts the stalest flow. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct omega_flow_key);
	__type(value, struct omega_flow_value);
} flows SEC(".maps");

/* Scratch space for a DNS record: it goes out with bpf_ringbuf_output at its used size (a 40-byte
 * query then takes ~110 bytes of ring, not the 600 a fixed-size reservation would). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct omega_dns_record);
} dns_scratch SEC(".maps");

/* Who connected a socket (set in connect(), process context), for the events that follow in softirq. */
struct sock_owner {
	__u32 pid;
	__u32 uid;
	__u64 cgroup_id;
	char comm[OMEGA_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct sock_owner);
} sock_owners SEC(".maps");

static __always_inline void count_lost(__u32 kind)
{
	__u64 *counter = bpf_map_lookup_elem(&net_lost, &kind);
	if (counter)
		*counter += 1;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(omega_tcp_state, const struct sock *sk, const int oldstate, const int newstate)
{
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP_)
		return 0;
	__u32 event;
	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT)
		event = OMEGA_TCP_CONNECT;
	else if (oldstate == TCP_SYN_SENT && newstate == TCP_ESTABLISHED)
		event = OMEGA_TCP_ESTABLISHED;
	else if (oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED)
		event = OMEGA_TCP_ACCEPT;
	else if (newstate == TCP_CLOSE)
		event = OMEGA_TCP_CLOSE;
	else
		return 0;

	__u64 key = (__u64)sk;
	struct sock_owner owner = {};
	if (event == OMEGA_TCP_CONNECT) {
		__u64 uid_gid = bpf_get_current_uid_gid();
		owner.pid = bpf_get_current_pid_tgid() >> 32;
		owner.uid = (__u32)uid_gid;
		owner.cgroup_id = bpf_get_current_cgroup_id();
		bpf_get_current_comm(owner.comm, sizeof(owner.comm));
		bpf_map_update_elem(&sock_owners, &key, &owner, BPF_ANY);
		return 0; /* reported once it is established (or fails) */
	} else {
		struct sock_owner *known = bpf_map_lookup_elem(&sock_owners, &key);
		if (known)
			owner = *known;
		if (event == OMEGA_TCP_CLOSE)
			bpf_map_delete_elem(&sock_owners, &key);
	}

	struct omega_tcp_record *rec = bpf_ringbuf_reserve(&net_events, sizeof(*rec), 0);
	if (!rec) {
		count_lost(OMEGA_LOST_TCP);
		return 0;
	}
	__builtin_memset(rec, 0, sizeof(*rec));
	rec->kind = OMEGA_REC_TCP_STATE;
	rec->event = event;
	rec->pid = owner.pid;
	rec->uid = owner.uid;
	rec->cgroup_id = owner.cgroup_id;
	__builtin_memcpy(rec->comm, owner.comm, sizeof(rec->comm));
	rec->time_boot_ns = bpf_ktime_get_boot_ns();
	rec->oldstate = oldstate;
	rec->newstate = newstate;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	/* inet_sport, not skc_num: the port is released (skc_num = 0) before the change to CLOSE */
	rec->sport = bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
	rec->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == AF_INET) {
		rec->family = 4;
		__u32 saddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u32 daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__builtin_memcpy(rec->saddr, &saddr, 4);
		__builtin_memcpy(rec->daddr, &daddr, 4);
	} else {
		rec->family = 6;
		BPF_CORE_READ_INTO(&rec->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&rec->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
	if (event == OMEGA_TCP_CLOSE) {
		const struct tcp_sock *tp = (const struct tcp_sock *)sk;
		rec->bytes_received = BPF_CORE_READ(tp, bytes_received);
		rec->bytes_acked = BPF_CORE_READ(tp, bytes_acked);
	}
	bpf_ringbuf_submit(rec, omega_ringbuf_wakeup(&net_events));
	return 0;
}

struct parsed {
	struct omega_flow_key key;
	__u64 ip_bytes;
	__u32 tcp_flags;
	__u32 l4_offset; /* from the start of the frame */
	__u32 udp_payload_len;
};

/* Parses Ethernet (+ one or two VLAN tags), IPv4/IPv6 and the TCP/UDP ports. 0 when it is IP. */
static __always_inline int parse(struct __sk_buff *skb, struct parsed *p)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return -1;
	__u16 proto = eth->h_proto;
	void *l3 = eth + 1;
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
			struct vlan_hdr *vlan = l3;
			if ((void *)(vlan + 1) > data_end)
				return -1;
			proto = vlan->h_vlan_encapsulated_proto;
			l3 = vlan + 1;
		}
	}
	void *l4;
	__u8 l4proto;
	int fragment = 0;
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = l3;
		if ((void *)(ip + 1) > data_end)
			return -1;
		p->key.family = 4;
		__builtin_memcpy(p->key.saddr, &ip->saddr, 4);
		__builtin_memcpy(p->key.daddr, &ip->daddr, 4);
		p->ip_bytes = bpf_ntohs(ip->tot_len);
		if (p->ip_bytes == 0) /* a GSO packet past 64 KiB */
			p->ip_bytes = skb->len - (l3 - data);
		l4proto = ip->protocol;
		fragment = (bpf_ntohs(ip->frag_off) & 0x1fff) != 0;
		l4 = l3 + ip->ihl * 4;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;
		if ((void *)(ip6 + 1) > data_end)
			return -1;
		p->key.family = 6;
		__builtin_memcpy(p->key.saddr, &ip6->saddr, 16);
		__builtin_memcpy(p->key.daddr, &ip6->daddr, 16);
		p->ip_bytes = 40 + bpf_ntohs(ip6->payload_len);
		if (ip6->payload_len == 0) /* jumbogram / BIG TCP */
			p->ip_bytes = skb->len - (l3 - data);
		l4proto = ip6->nexthdr; /* extension headers are counted under their own number */
		l4 = ip6 + 1;
	} else {
		return -1;
	}
	p->key.protocol = l4proto;
	p->l4_offset = l4 - data;
	if (fragment)
		return 0;
	if (l4proto == IPPROTO_UDP_) {
		struct udphdr *udp = l4;
		if ((void *)(udp + 1) > data_end)
			return 0;
		p->key.sport = bpf_ntohs(udp->source);
		p->key.dport = bpf_ntohs(udp->dest);
		__u16 len = bpf_ntohs(udp->len);
		p->udp_payload_len = len > 8 ? len - 8 : 0;
	} else if (l4proto == IPPROTO_TCP_) {
		struct tcphdr *tcp = l4;
		if ((void *)(tcp + 1) > data_end)
			return 0;
		p->key.sport = bpf_ntohs(tcp->source);
		p->key.dport = bpf_ntohs(tcp->dest);
		p->tcp_flags = ((__u8 *)tcp)[13];
	}
	return 0;
}

static __always_inline void account_flow(struct parsed *p, __u64 now)
{
	struct omega_flow_value *v = bpf_map_lookup_elem(&flows, &p->key);
	int outbound = 1;
	if (!v) {
		struct omega_flow_key reverse = {
			.sport = p->key.dport, .dport = p->key.sport,
			.protocol = p->key.protocol, .family = p->key.family,
		};
		__builtin_memcpy(reverse.saddr, p->key.daddr, 16);
		__builtin_memcpy(reverse.daddr, p->key.saddr, 16);
		v = bpf_map_lookup_elem(&flows, &reverse);
		outbound = 0;
	}
	if (!v) {
		struct omega_flow_value fresh = { .first_boot_ns = now, .last_boot_ns = now };
		/* NOEXIST: when another CPU created it first, keep theirs */
		bpf_map_update_elem(&flows, &p->key, &fresh, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&flows, &p->key);
		outbound = 1;
		if (!v) {
			count_lost(OMEGA_LOST_FLOW);
			return;
		}
	}
	if (outbound) {
		__sync_fetch_and_add(&v->bytes_out, p->ip_bytes);
		__sync_fetch_and_add(&v->packets_out, 1);
	} else {
		__sync_fetch_and_add(&v->bytes_in, p->ip_bytes);
		__sync_fetch_and_add(&v->packets_in, 1);
	}
	if (p->tcp_flags)
		__sync_fetch_and_or(&v->tcp_flags, p->tcp_flags);
	v->last_boot_ns = now;
}

static __always_inline void copy_dns(struct __sk_buff *skb, struct parsed *p, __u64 now, int egress)
{
	__u32 zero = 0;
	struct omega_dns_record *rec = bpf_map_lookup_elem(&dns_scratch, &zero);
	if (!rec)
		return;
	rec->kind = OMEGA_REC_DNS;
	rec->ifindex = skb->ifindex;
	rec->time_boot_ns = now;
	__builtin_memcpy(rec->saddr, p->key.saddr, 16);
	__builtin_memcpy(rec->daddr, p->key.daddr, 16);
	rec->sport = p->key.sport;
	rec->dport = p->key.dport;
	rec->family = p->key.family;
	rec->egress = egress;
	rec->pad = 0;
	rec->payload_len = p->udp_payload_len;
	__u32 len = p->udp_payload_len;
	if (len > OMEGA_DNS_CAPTURE_LEN)
		len = OMEGA_DNS_CAPTURE_LEN;
	rec->captured_len = 0;
	if (len > 0) {
		/* ((len - 1) & (N - 1)) + 1 equals len for 1..N and proves the bound to the verifier */
		len = ((len - 1) & (OMEGA_DNS_CAPTURE_LEN - 1)) + 1;
		if (bpf_skb_load_bytes(skb, p->l4_offset + 8, rec->data, len) == 0)
			rec->captured_len = len;
		else
			len = 0;
	}
	__u64 size = __builtin_offsetof(struct omega_dns_record, data) + (len & (OMEGA_DNS_CAPTURE_LEN * 2 - 1));
	if (size > sizeof(*rec))
		size = sizeof(*rec);
	if (bpf_ringbuf_output(&net_events, rec, size, omega_ringbuf_wakeup(&net_events)) != 0)
		count_lost(OMEGA_LOST_DNS);
}

static __always_inline int observe(struct __sk_buff *skb, int egress)
{
	struct parsed p = {};
	if (parse(skb, &p) != 0)
		return TC_NEXT;
	__u64 now = bpf_ktime_get_boot_ns();
	account_flow(&p, now);
	if (p.key.protocol == IPPROTO_UDP_ && (p.key.sport == DNS_PORT || p.key.dport == DNS_PORT))
		copy_dns(skb, &p, now, egress);
	return TC_NEXT;
}

SEC("tc")
int omega_tc_ingress(struct __sk_buff *skb)
{
	return observe(skb, 0);
}

SEC("tc")
int omega_tc_egress(struct __sk_buff *skb)
{
	return observe(skb, 1);
}

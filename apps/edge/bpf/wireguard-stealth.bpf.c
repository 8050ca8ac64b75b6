// SPDX-License-Identifier: GPL-2.0
// omega-edge's stealth filter on the WireGuard port (IPv4 underlay): drops every UDP datagram to
// that port that is not a well-formed WireGuard message (type 1-4, three zero bytes, the exact
// size of its type), and more than 10 handshake initiations per second from one source IP.
// The port is entry 0 of `stealth_config`, set by omega-edge after attaching; counters per CPU in
// `stealth_stats`: 0 passed, 1 dropped malformed, 2 dropped over rate.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define INITIATIONS_PER_SECOND 10
#define NS_PER_SECOND 1000000000ULL

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
} stealth_config SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 3);
  __type(key, __u32);
  __type(value, __u64);
} stealth_stats SEC(".maps");

struct window {
  __u64 start_ns;
  __u64 count;
};

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, __u32);
  __type(value, struct window);
} stealth_initiators SEC(".maps");

static __always_inline int count(__u32 index, int verdict) {
  __u64 *value = bpf_map_lookup_elem(&stealth_stats, &index);
  if (value) *value += 1;
  return verdict;
}

SEC("xdp")
int wireguard_stealth(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  void *end = (void *)(long)ctx->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) return XDP_PASS;
  struct iphdr *ip = (void *)(eth + 1);
  if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_UDP || ip->ihl != 5) return XDP_PASS;
  struct udphdr *udp = (void *)(ip + 1);
  if ((void *)(udp + 1) > end) return XDP_PASS;
  __u32 zero = 0;
  __u32 *port = bpf_map_lookup_elem(&stealth_config, &zero);
  if (!port || *port == 0 || udp->dest != bpf_htons((__u16)*port)) return XDP_PASS;

  __u32 length = bpf_ntohs(udp->len);
  __u8 *message = (void *)(udp + 1);
  if ((void *)(message + 4) > end || length < sizeof(*udp) + 4) return count(1, XDP_DROP);
  __u32 size = length - sizeof(*udp);
  if (message[1] || message[2] || message[3]) return count(1, XDP_DROP);
  switch (message[0]) {
  case 1: // handshake initiation
    if (size != 148) return count(1, XDP_DROP);
    {
      __u32 source = ip->saddr;
      __u64 now = bpf_ktime_get_ns();
      struct window *w = bpf_map_lookup_elem(&stealth_initiators, &source);
      if (!w) {
        struct window fresh = {.start_ns = now, .count = 1};
        bpf_map_update_elem(&stealth_initiators, &source, &fresh, BPF_ANY);
      } else if (now - w->start_ns > NS_PER_SECOND) {
        w->start_ns = now;
        w->count = 1;
      } else if (++w->count > INITIATIONS_PER_SECOND) {
        return count(2, XDP_DROP);
      }
    }
    return count(0, XDP_PASS);
  case 2: // handshake response
    return size == 92 ? count(0, XDP_PASS) : count(1, XDP_DROP);
  case 3: // cookie reply
    return size == 64 ? count(0, XDP_PASS) : count(1, XDP_DROP);
  case 4: // transport data: 16-byte header, payload, 16-byte tag. The payload is padded to 16
          // bytes only below the MTU (a full 1420-byte packet is not a multiple of 16), so no
          // alignment rule: the minimum size is all a filter can demand.
    return size >= 32 ? count(0, XDP_PASS) : count(1, XDP_DROP);
  default:
    return count(1, XDP_DROP);
  }
}

char LICENSE[] SEC("license") = "GPL";

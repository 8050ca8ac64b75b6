/* When a BPF program wakes the loader for a ring-buffer record: only once a backlog builds up.
 * Waking it for every record (the default) cost the loader a poll and a read per packet under a
 * flood; it polls every OMEGA_LOADER_POLL_MS anyway, so a quiet ring is still read within that. */
#ifndef OMEGA_RINGBUF_WAKEUP_H
#define OMEGA_RINGBUF_WAKEUP_H

/* 1 MiB of unread records (~10,000 DNS records; the rings hold 16 MiB) wakes the loader at once. */
#define OMEGA_RINGBUF_WAKEUP_BYTES (1024 * 1024)

static __always_inline __u64 omega_ringbuf_wakeup(void *ringbuf)
{
	return bpf_ringbuf_query(ringbuf, BPF_RB_AVAIL_DATA) >= OMEGA_RINGBUF_WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP
											   : BPF_RB_NO_WAKEUP;
}

#endif

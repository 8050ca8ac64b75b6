/* The loader's state and the headers its files share: loader.c (start-up, ring buffers, the main
 * loop), loader-commands.c (stdin commands), loader-flows.c (draining the flow table) and
 * loader-stats.c (clock, STATS frames), loader-files.c (the watched file set), loader-audit.c
 * (security telemetry and watched prefixes), loader-enforce.c (enforcement policies); frames go out through frame-output.h. */
#ifndef OMEGA_LOADER_STATE_H
#define OMEGA_LOADER_STATE_H
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
#include "frame-output.h"
#include "process.skel.h"
#include "xdp_block.skel.h"
#include "net.skel.h"
#include "file.skel.h"
#include "audit.skel.h"

/* Not in Debian 12's uapi headers (kernel 6.6+): tcx attach types, detached when the link closes. */
#define OMEGA_BPF_TCX_INGRESS 46
#define OMEGA_BPF_TCX_EGRESS 47
#define MAX_TC_LINKS 64
#define MAX_XDP_LINKS 64
/* The BPF programs wake the loader only for a backlog (ringbuf-wakeup.h): it reads the rings
 * at least this often, which bounds how long a record waits. */
#define OMEGA_LOADER_POLL_MS 10

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

/* One running loader: its programs, its attachments and its timing, passed to every part
 * explicitly (main owns the one instance). */
struct loader {
	struct process_bpf *process_skel;
	struct xdp_block_bpf *xdp_skel;
	struct net_bpf *net_skel;
	struct file_bpf *file_skel;
	/* The file probe's attachment: only while something is watched (it runs on every syscall). */
	struct bpf_link *file_link;
	/* Security telemetry (audit.bpf.c), and the watched prefixes as the kernel's array holds them. */
	struct audit_bpf *audit_skel;
	struct bpf_link *audit_exec_link, *audit_syscall_link;
	struct omega_file_prefix prefixes[OMEGA_FILE_PREFIXES];
	uint32_t prefix_count;
	/* Enforcement policies, as the kernel's enforce_rules holds them (loader-enforce.c). */
	struct omega_enforce_rule enforce[OMEGA_ENFORCE_RULES];
	uint32_t enforce_count;
	struct xdp_attachment xdp_links[MAX_XDP_LINKS];
	struct tc_attachment tc_links[MAX_TC_LINKS];
	/* Flow drain: every flow_drain_ms the changed flows are written, those idle for flow_idle_ms
	 * removed. */
	uint64_t flow_drain_ms, flow_idle_ms;
	int64_t last_drain_boot_ns;
	/* Added to the kernel's boot-time clock to get wall-clock ns. */
	int64_t boot_to_wall_ns;
};

#endif

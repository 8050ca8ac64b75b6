/* Shared by the loader's files: loader.c (start-up, ring buffers, frames out, the main loop),
 * loader-commands.c (stdin commands), loader-flows.c (draining the flow table). */
#ifndef OMEGA_LOADER_H
#define OMEGA_LOADER_H
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

extern struct process_bpf *process_skel;
extern struct xdp_block_bpf *xdp_skel;
extern struct net_bpf *net_skel;
extern struct xdp_attachment xdp_links[MAX_XDP_LINKS];
extern struct tc_attachment tc_links[MAX_TC_LINKS];
/* Flow drain: every drain_ms the changed flows are written, those idle for idle_ms removed. */
extern uint64_t flow_drain_ms, flow_idle_ms;
extern int64_t last_drain_boot_ns;
/* Added to the kernel's boot-time clock to get wall-clock ns. */
extern int64_t boot_to_wall_ns;

int64_t clock_ns(clockid_t id);
void write_frame(uint16_t type, const void *a, size_t a_len, const void *b, size_t b_len, const void *c,
		 size_t c_len);
void reply(uint32_t id, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void write_stats(void);
/* One command line from stdin: "<id> <verb> [args...]", answered by a REPLY frame. */
void run_command(char *line);
int set_stealth_rate(uint64_t per_second, uint64_t burst, uint64_t session_idle_ms);
void drain_flows(void);

#endif

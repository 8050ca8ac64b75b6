/* The loader's stdout protocol: length-prefixed little-endian binary frames (bpf/README.md). */
#ifndef OMEGA_FRAMES_H
#define OMEGA_FRAMES_H
#include <stdint.h>

#define OMEGA_FRAME_VERSION 1

enum omega_frame_type {
	OMEGA_FRAME_EXEC = 1,
	OMEGA_FRAME_EXIT = 2,
	OMEGA_FRAME_STATS = 3,
	OMEGA_FRAME_REPLY = 4,
	OMEGA_FRAME_HELLO = 5,
	OMEGA_FRAME_BLOCK_ENTRY = 6,
	OMEGA_FRAME_TCP_STATE = 7,
	OMEGA_FRAME_DNS = 8,
	OMEGA_FRAME_FLOW = 9,
	OMEGA_FRAME_FILE = 10,
	OMEGA_FRAME_AUDIT = 11,
};

/* Every frame: header, then `length` bytes of body. */
struct omega_frame_header {
	uint32_t length; /* body bytes after this header */
	uint16_t type;
	uint16_t version;
} __attribute__((packed));

struct omega_frame_exec {
	uint32_t pid, ppid, uid, gid;
	uint64_t time_ns;       /* wall clock (CLOCK_REALTIME) */
	uint64_t cgroup_id;
	uint64_t start_time_ns; /* wall clock */
	char comm[16];
	uint16_t filename_len;
	uint16_t args_len;
	uint8_t args_truncated;
	uint8_t pad[3];
	/* then filename_len bytes of filename, args_len bytes of NUL-separated argv */
} __attribute__((packed));

struct omega_frame_exit {
	uint32_t pid, ppid, uid, gid;
	int32_t exit_code;
	uint32_t pad;
	uint64_t time_ns;
	uint64_t cgroup_id;
	uint64_t start_time_ns;
	char comm[16];
} __attribute__((packed));

struct omega_frame_stats {
	uint64_t time_ns;
	uint64_t lost_exec;
	uint64_t lost_exit;
	uint64_t xdp_passed;
	uint64_t xdp_dropped;
	/* since protocol 1 with network telemetry; a reader takes what the body length holds */
	uint64_t lost_tcp;
	uint64_t lost_dns;
	uint64_t lost_flow;
	uint64_t stealth_unknown;
	uint64_t stealth_rate_limited;
	uint64_t stealth_sessions;
	/* since file telemetry */
	uint64_t lost_file;
	/* since security telemetry (audit.bpf.c): ring full, and over a kind's per-CPU rate */
	uint64_t lost_audit;
	uint64_t audit_rate_limited;
} __attribute__((packed));

/* A security record (audit.bpf.c, enum omega_audit_op): the acting process, the call, its result. */
struct omega_frame_audit {
	uint32_t op;   /* enum omega_audit_op */
	uint32_t call; /* enum omega_audit_call */
	uint32_t pid, ppid, uid, gid, euid, egid;
	uint32_t target_pid;
	uint32_t watch_id;
	int64_t result;
	uint64_t time_ns;
	uint64_t cgroup_id;
	uint64_t cap_effective;
	uint64_t arg[3];
	char comm[16];
	uint16_t exe_len, args_len, path_len, path2_len, extra_len, pad;
	/* then exe, args (NUL-separated), path, path2, extra: each its _len bytes */
} __attribute__((packed));

/* An operation on a watched file (enum omega_file_op), by the process that did it. */
struct omega_frame_file {
	uint32_t op;
	uint32_t pid, uid, gid;
	uint32_t watch_id; /* the id given to `file-watch` */
	uint32_t flags;    /* open flags (f_flags) */
	uint64_t time_ns;
	uint64_t cgroup_id;
	uint64_t ino;
	uint32_t dev; /* the kernel's dev_t: MAJOR << 20 | MINOR */
	uint16_t path_len;
	uint16_t pad;
	char comm[16];
	/* then path_len bytes of path */
} __attribute__((packed));

struct omega_frame_tcp_state {
	uint32_t event; /* enum omega_tcp_event */
	uint32_t pid;   /* 0: not known */
	uint32_t uid;
	uint8_t family;
	uint8_t oldstate;
	uint8_t newstate;
	uint8_t pad;
	uint64_t time_ns;
	uint64_t cgroup_id;
	uint64_t bytes_received;
	uint64_t bytes_acked;
	uint8_t saddr[16];
	uint8_t daddr[16];
	uint16_t sport;
	uint16_t dport;
	uint32_t pad2;
	char comm[16];
} __attribute__((packed));

struct omega_frame_dns {
	uint64_t time_ns;
	uint32_t ifindex;
	uint8_t saddr[16];
	uint8_t daddr[16];
	uint16_t sport;
	uint16_t dport;
	uint8_t family;
	uint8_t egress;
	uint16_t payload_len;
	uint16_t captured_len;
	uint16_t pad;
	/* then captured_len bytes of the UDP payload */
} __attribute__((packed));

/* A flow's cumulative counters since the kernel first saw it; `ended` when idle and removed. */
struct omega_frame_flow {
	uint8_t saddr[16];
	uint8_t daddr[16];
	uint16_t sport;
	uint16_t dport;
	uint8_t protocol;
	uint8_t family;
	uint8_t ended;
	uint8_t pad;
	uint32_t tcp_flags;
	uint64_t first_ns;
	uint64_t last_ns;
	uint64_t bytes_out;
	uint64_t bytes_in;
	uint64_t packets_out;
	uint64_t packets_in;
} __attribute__((packed));

struct omega_frame_reply {
	uint32_t request_id;
	int32_t status; /* 0 ok, else -errno */
	uint16_t message_len;
	/* then message_len bytes of UTF-8 */
} __attribute__((packed));

struct omega_frame_hello {
	uint32_t protocol_version;
	uint16_t features_len;
	/* then features_len bytes: comma-separated attached probes */
} __attribute__((packed));

struct omega_frame_block_entry {
	uint32_t request_id;
	uint8_t family; /* 4 or 6 */
	uint8_t prefixlen;
	uint16_t pad;
	uint8_t addr[16];
	uint64_t dropped_packets;
	uint64_t dropped_bytes;
} __attribute__((packed));

#endif

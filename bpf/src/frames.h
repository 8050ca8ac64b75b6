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

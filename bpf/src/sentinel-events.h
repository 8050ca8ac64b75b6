/* Event records shared by the BPF programs and the loader (the ring buffer's record layout). */
#ifndef OMEGA_SENTINEL_EVENTS_H
#define OMEGA_SENTINEL_EVENTS_H

#define OMEGA_COMM_LEN 16
#define OMEGA_FILENAME_LEN 256
#define OMEGA_ARGS_LEN 1024

/* Record kinds; also the frame types the loader writes (bpf/README.md "Frames"). */
enum omega_record_kind {
	OMEGA_REC_EXEC = 1,
	OMEGA_REC_EXIT = 2,
};

/* Indices of the per-CPU `lost` counters: records the ring buffer had no room for. */
enum omega_lost_kind {
	OMEGA_LOST_EXEC = 0,
	OMEGA_LOST_EXIT = 1,
	OMEGA_LOST_KINDS = 2,
};

struct omega_exec_record {
	__u32 kind;
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 filename_len; /* bytes in filename, without the NUL */
	__u32 args_len;     /* bytes in args: NUL-separated argv, truncated at OMEGA_ARGS_LEN */
	__u32 args_truncated;
	__u64 time_boot_ns;
	__u64 cgroup_id;
	__u64 start_boot_ns;
	char comm[OMEGA_COMM_LEN];
	char filename[OMEGA_FILENAME_LEN];
	char args[OMEGA_ARGS_LEN];
};

struct omega_exit_record {
	__u32 kind;
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__s32 exit_code;
	__u64 time_boot_ns;
	__u64 cgroup_id;
	__u64 start_boot_ns;
	char comm[OMEGA_COMM_LEN];
};

/* XDP block list keys: LPM tries want the prefix length first. */
struct omega_lpm_v4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct omega_lpm_v6 {
	__u32 prefixlen;
	__u8 addr[16];
};

/* Per-entry value: what the entry has dropped. */
struct omega_block_value {
	__u64 dropped_packets;
	__u64 dropped_bytes;
};

#endif

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
	OMEGA_REC_TCP_STATE = 7,
	OMEGA_REC_DNS = 8,
	OMEGA_REC_FILE = 10,
};

/* Indices of the per-CPU `lost` counters: records the ring buffer had no room for. */
enum omega_lost_kind {
	OMEGA_LOST_EXEC = 0,
	OMEGA_LOST_EXIT = 1,
	OMEGA_LOST_KINDS = 2,
};

/* Indices of the network object's per-CPU `net_lost` counters. */
enum omega_net_lost_kind {
	OMEGA_LOST_TCP = 0,
	OMEGA_LOST_DNS = 1,
	/* flow entries the LRU map could not take (insert failed; an eviction is not counted here) */
	OMEGA_LOST_FLOW = 2,
	OMEGA_NET_LOST_KINDS = 3,
};

#define OMEGA_DNS_CAPTURE_LEN 512

/* Indices of the file object's per-CPU `file_lost` counters. */
enum omega_file_lost_kind {
	OMEGA_LOST_FILE = 0,
	OMEGA_FILE_LOST_KINDS = 1,
};

/* What was done to a watched file: a bit each, so a watch says which it wants reported. Only OPEN
 * has a probe today; the other bits are reserved for create/rename/unlink/chmod probes. */
enum omega_file_op {
	OMEGA_FILE_OP_OPEN = 1,
};

#define OMEGA_FILE_PATH_LEN 512
#define OMEGA_FILE_WATCHES 4096

/* A watched file: its inode on its filesystem (the kernel's dev_t, MAJOR << 20 | MINOR, as in
 * super_block.s_dev). Exact (no path aliasing through links, mounts or ..) and one hash lookup. */
struct omega_file_key {
	__u64 ino;
	__u32 dev;
	__u32 pad;
};

struct omega_file_watch {
	__u32 watch_id; /* the loader's caller's id, carried by every record of this watch */
	__u32 ops;      /* enum omega_file_op bits to report */
};

struct omega_file_record {
	__u32 kind;
	__u32 op; /* enum omega_file_op */
	__u32 pid;
	__u32 uid;
	__u32 gid;
	__u32 watch_id;
	__u32 flags;    /* the open's f_flags (O_ACCMODE, O_CREAT, O_TRUNC, ...) */
	__u32 path_len; /* bytes in path, without the NUL; 0 when the kernel could not name it */
	__u64 time_boot_ns;
	__u64 cgroup_id;
	__u64 ino;
	__u32 dev;
	__u32 pad;
	char comm[OMEGA_COMM_LEN];
	char path[OMEGA_FILE_PATH_LEN];
};

/* A flow as first seen: `s*` is the side that sent the first packet (the same rule pcap replay uses). */
struct omega_flow_key {
	__u8 saddr[16]; /* IPv4 in the first 4 bytes */
	__u8 daddr[16];
	__u16 sport; /* host byte order */
	__u16 dport;
	__u8 protocol;
	__u8 family; /* 4 or 6 */
	__u16 pad;
};

struct omega_flow_value {
	__u64 first_boot_ns;
	__u64 last_boot_ns;
	__u64 bytes_out; /* IP length of packets from saddr */
	__u64 bytes_in;
	__u64 packets_out;
	__u64 packets_in;
	__u32 tcp_flags; /* union of the flags seen */
	__u32 pad;
};

/* TCP state changes (inet_sock_set_state) the sentinel reports. */
enum omega_tcp_event {
	OMEGA_TCP_CONNECT = 1,     /* CLOSE -> SYN_SENT: in connect(), so pid is the caller; not reported, it names the owner */
	OMEGA_TCP_ESTABLISHED = 2, /* SYN_SENT -> ESTABLISHED (outbound) */
	OMEGA_TCP_ACCEPT = 3,      /* SYN_RECV -> ESTABLISHED (inbound, softirq: pid not known) */
	OMEGA_TCP_CLOSE = 4,       /* any -> CLOSE */
};

struct omega_tcp_record {
	__u32 kind;
	__u32 event; /* enum omega_tcp_event */
	__u32 pid;   /* 0 when the kernel does not say (softirq) */
	__u32 uid;
	__u64 time_boot_ns;
	__u64 cgroup_id;
	__u64 bytes_received; /* tcp_sock counters, on CLOSE */
	__u64 bytes_acked;
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u8 family;
	__u8 oldstate;
	__u8 newstate;
	__u8 pad;
	char comm[OMEGA_COMM_LEN];
};

struct omega_dns_record {
	__u32 kind;
	__u32 ifindex;
	__u64 time_boot_ns;
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u8 family;
	__u8 egress; /* 1 when seen leaving the interface */
	__u16 payload_len;  /* UDP payload bytes in the packet */
	__u16 captured_len; /* bytes copied to data (at most OMEGA_DNS_CAPTURE_LEN) */
	__u16 pad;
	__u8 data[OMEGA_DNS_CAPTURE_LEN];
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

/* Stealth mode: protected UDP ports answer only allowlisted sources, at a bounded new-session rate. */
struct omega_stealth_session_key {
	__u8 addr[16];
	__u16 sport;
	__u16 dport;
	__u8 family;
	__u8 pad[3];
};

struct omega_stealth_source_key {
	__u8 addr[16];
	__u32 family;
};

struct omega_stealth_config {
	__u64 interval_ns;     /* 1 s / new sessions per second */
	__u64 burst;           /* sessions a quiet source may open at once */
	__u64 session_idle_ns; /* a session unseen this long is new again */
};

/* Slots of the per-CPU `xdp_stats` counters. */
enum omega_xdp_stat {
	OMEGA_XDP_PASSED = 0,
	OMEGA_XDP_DROPPED = 1,           /* block list */
	OMEGA_XDP_STEALTH_UNKNOWN = 2,   /* protected port, source not allowlisted */
	OMEGA_XDP_STEALTH_RATE = 3,      /* protected port, new session over the source's rate */
	OMEGA_XDP_STEALTH_SESSIONS = 4,  /* new sessions admitted */
	OMEGA_XDP_STATS = 5,
};

#endif

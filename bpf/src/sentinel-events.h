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
	OMEGA_REC_AUDIT = 11,
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

/* What was done to a watched file: a bit each, so a watch (an inode, file.bpf.c) or a watched
 * prefix (a path, audit.bpf.c) says which it wants reported. */
enum omega_file_op {
	OMEGA_FILE_OP_OPEN = 1,
	OMEGA_FILE_OP_CREATE = 2,
	OMEGA_FILE_OP_RENAME = 4,
	OMEGA_FILE_OP_DELETE = 8,
	OMEGA_FILE_OP_CHMOD = 16,
	OMEGA_FILE_OP_CHOWN = 32,
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

/* Security telemetry (audit.bpf.c): what a record reports. */
enum omega_audit_op {
	OMEGA_AUDIT_PRIV = 1,         /* set*id / capset */
	OMEGA_AUDIT_EXEC_SETID = 2,   /* execve whose new credentials differ */
	OMEGA_AUDIT_PTRACE = 3,
	OMEGA_AUDIT_MOUNT = 4,
	OMEGA_AUDIT_NAMESPACE = 5,    /* unshare, setns, clone/clone3 with CLONE_NEW* */
	OMEGA_AUDIT_MODULE = 6,       /* init_module, finit_module */
	OMEGA_AUDIT_BPF_LOAD = 7,     /* bpf(BPF_PROG_LOAD) by a process other than the loader */
	OMEGA_AUDIT_RAW_SOCKET = 8,   /* socket() with SOCK_RAW or AF_PACKET */
	OMEGA_AUDIT_MEMFD_CREATE = 9,
	OMEGA_AUDIT_MEMFD_EXEC = 10,  /* execve of a file with no link left (memfd, deleted) */
	OMEGA_AUDIT_FILE_CREATE = 11, /* file ops under a watched prefix */
	OMEGA_AUDIT_FILE_RENAME = 12,
	OMEGA_AUDIT_FILE_DELETE = 13,
	OMEGA_AUDIT_FILE_CHMOD = 14,
	OMEGA_AUDIT_FILE_CHOWN = 15,
	OMEGA_AUDIT_ENFORCE = 16,     /* an enforcement policy matched an exec: killed, or dry run */
	OMEGA_AUDIT_OPS = 17,
};

/* The system call a record is about, numbered the same on every architecture (the sentinel names
 * them from this list: libs' audit-frames decoder mirrors it). */
enum omega_audit_call {
	OMEGA_CALL_SETUID = 1, OMEGA_CALL_SETGID, OMEGA_CALL_SETREUID, OMEGA_CALL_SETREGID,
	OMEGA_CALL_SETRESUID, OMEGA_CALL_SETRESGID, OMEGA_CALL_SETFSUID, OMEGA_CALL_SETFSGID,
	OMEGA_CALL_CAPSET, OMEGA_CALL_EXECVE, OMEGA_CALL_PTRACE, OMEGA_CALL_MOUNT, OMEGA_CALL_MOVE_MOUNT,
	OMEGA_CALL_UNSHARE, OMEGA_CALL_SETNS, OMEGA_CALL_CLONE, OMEGA_CALL_CLONE3, OMEGA_CALL_INIT_MODULE,
	OMEGA_CALL_FINIT_MODULE, OMEGA_CALL_BPF, OMEGA_CALL_SOCKET, OMEGA_CALL_MEMFD_CREATE,
	OMEGA_CALL_OPEN, OMEGA_CALL_OPENAT, OMEGA_CALL_OPENAT2, OMEGA_CALL_CREAT, OMEGA_CALL_MKDIR,
	OMEGA_CALL_MKDIRAT, OMEGA_CALL_RENAME, OMEGA_CALL_RENAMEAT, OMEGA_CALL_RENAMEAT2, OMEGA_CALL_UNLINK,
	OMEGA_CALL_UNLINKAT, OMEGA_CALL_RMDIR, OMEGA_CALL_CHMOD, OMEGA_CALL_FCHMOD, OMEGA_CALL_FCHMODAT,
	OMEGA_CALL_FCHMODAT2, OMEGA_CALL_CHOWN, OMEGA_CALL_FCHOWN, OMEGA_CALL_LCHOWN, OMEGA_CALL_FCHOWNAT,
	OMEGA_CALLS,
};

/* Indices of the audit object's per-CPU `audit_lost` counters. */
enum omega_audit_lost_kind {
	OMEGA_LOST_AUDIT = 0,         /* the ring buffer was full */
	OMEGA_AUDIT_RATE_LIMITED = 1, /* over a kind's per-CPU rate */
	OMEGA_AUDIT_LOST_KINDS = 2,
};

/* At most this many records per kind per CPU per second; the rest are counted, not sent. */
#define OMEGA_AUDIT_RATE_PER_CPU 500
#define OMEGA_AUDIT_STR_LEN 256
#define OMEGA_AUDIT_EXTRA_LEN 64
#define OMEGA_FILE_PREFIXES 32

/* A watched path (`file-prefix` command): absolute, without a trailing '/', zero-padded to 8-byte
 * words; it selects itself and everything under it. */
struct omega_file_prefix {
	__u32 len;
	__u32 ops; /* enum omega_file_op bits */
	__u32 watch_id;
	__u32 pad;
	char path[OMEGA_AUDIT_STR_LEN];
};

struct omega_audit_record {
	__u32 kind;
	__u32 op;   /* enum omega_audit_op */
	__u32 call; /* enum omega_audit_call */
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 euid;
	__u32 egid;
	__u32 target_pid; /* ptrace's target */
	__u32 watch_id;   /* file ops: the prefix's id */
	__u16 exe_len, args_len, path_len, path2_len, extra_len, pad;
	__s64 result;     /* the syscall's return value */
	__u64 time_boot_ns;
	__u64 cgroup_id;
	__u64 cap_effective;
	__u64 arg[3]; /* per op: README "Frames", AUDIT */
	char comm[OMEGA_COMM_LEN];
	char exe[OMEGA_FILE_PATH_LEN]; /* the acting process's executable */
	char args[OMEGA_AUDIT_STR_LEN]; /* its argv, NUL-separated, truncated */
	char path[OMEGA_FILE_PATH_LEN];
	char path2[OMEGA_FILE_PATH_LEN];
	char extra[OMEGA_AUDIT_EXTRA_LEN];
};

/* In-kernel enforcement (`enforce` command): what a policy matches at sched_process_exec. */
enum omega_enforce_kind {
	OMEGA_ENFORCE_EXEC = 1,       /* the executed file's path is under `path` */
	OMEGA_ENFORCE_MEMFD_EXEC = 2, /* the executed file has no link (memfd, deleted) */
};

#define OMEGA_ENFORCE_RULES 16

struct omega_enforce_rule {
	__u32 policy_id; /* the loader's caller's id, carried by the ENFORCE record */
	__u32 kind;      /* enum omega_enforce_kind */
	__u32 dry_run;   /* 1: report only */
	__u32 len;       /* bytes of path (EXEC), as omega_file_prefix: no trailing '/', zero-padded */
	char path[OMEGA_AUDIT_STR_LEN];
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

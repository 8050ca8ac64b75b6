// SPDX-License-Identifier: GPL-2.0
/* Security telemetry with the filter in the kernel (docs/sentinel-telemetry.md): privilege
 * changes, ptrace, mounts, namespace changes, kernel module loads, bpf() program loads, raw and
 * packet sockets, memfd_create, and file operations under watched prefixes at the exit of their
 * system calls (tp_btf/sys_exit: fentry and BPF LSM are refused on the kernels this runs on, and
 * tracefs may be absent); exec of setuid/setgid binaries and of memory-backed files at
 * sched_process_exec. A syscall that is none of these costs one load from a read-only table.
 * Opt-in enforcement (audit-enforce.h): SIGKILL for an exec a policy names, or a dry-run record. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sentinel-events.h"
#include "ringbuf-wakeup.h"
#include "path-walk.h"
#include "audit-syscalls.h"

char LICENSE[] SEC("license") = "GPL";

/* The loader's own process: its bpf() loads are not reported (set before load). */
const volatile __u32 loader_tgid = 0;
/* How many entries of file_prefixes are in use (the loader keeps them packed at the front). */
__u32 prefix_count = 0;
/* How many entries of enforce_rules are in use (packed at the front, as file_prefixes). */
__u32 enforce_count = 0;
/* Records per kind per CPU per second (`audit-rate`); 0: OMEGA_AUDIT_RATE_PER_CPU. */
__u64 rate_per_cpu = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024); /* ~8,400 records: bursts above the rate limit's pace */
} audit_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OMEGA_AUDIT_LOST_KINDS);
	__type(key, __u32);
	__type(value, __u64);
} audit_lost SEC(".maps");

struct rate_window {
	__u64 start_ns;
	__u64 count;
};

/* Per kind, per CPU: records sent in the current one-second window. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OMEGA_AUDIT_OPS);
	__type(key, __u32);
	__type(value, struct rate_window);
} audit_rate SEC(".maps");

/* The record being built (too big for the stack); copied to the ring only when it is sent. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct omega_audit_record);
} audit_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OMEGA_FILE_PREFIXES);
	__type(key, __u32);
	__type(value, struct omega_file_prefix);
} file_prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OMEGA_ENFORCE_RULES);
	__type(key, __u32);
	__type(value, struct omega_enforce_rule);
} enforce_rules SEC(".maps");

static __always_inline void count(__u32 kind)
{
	__u64 *counter = bpf_map_lookup_elem(&audit_lost, &kind);
	if (counter)
		*counter += 1; /* per-CPU slot: no atomics needed */
}

static __always_inline struct omega_audit_record *scratch(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&audit_scratch, &zero);
}

/* The acting process, its credentials after the call, and what the call was; leaves the paths and
 * the watch id alone (file operations match them first, and only then pay for this). */
static __always_inline void fill(struct omega_audit_record *rec, __u32 op, __u32 call, long ret)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	const struct cred *cred = BPF_CORE_READ(task, cred);
	rec->kind = OMEGA_REC_AUDIT;
	rec->op = op;
	rec->call = call;
	rec->pid = BPF_CORE_READ(task, tgid);
	rec->ppid = BPF_CORE_READ(task, real_parent, tgid);
	rec->uid = BPF_CORE_READ(cred, uid.val);
	rec->gid = BPF_CORE_READ(cred, gid.val);
	rec->euid = BPF_CORE_READ(cred, euid.val);
	rec->egid = BPF_CORE_READ(cred, egid.val);
	bpf_probe_read_kernel(&rec->cap_effective, sizeof(rec->cap_effective), &cred->cap_effective);
	rec->target_pid = 0;
	rec->exe_len = rec->args_len = rec->extra_len = rec->pad = 0;
	rec->result = ret;
	rec->time_boot_ns = bpf_ktime_get_boot_ns();
	rec->cgroup_id = bpf_get_current_cgroup_id();
	rec->arg[0] = rec->arg[1] = rec->arg[2] = 0;
	bpf_get_current_comm(rec->comm, sizeof(rec->comm));
}

static __always_inline struct omega_audit_record *begin(__u32 op, __u32 call, long ret)
{
	struct omega_audit_record *rec = scratch();
	if (!rec)
		return NULL;
	fill(rec, op, call, ret);
	rec->watch_id = 0;
	rec->path_len = rec->path2_len = 0;
	return rec;
}

/* Under the kind's per-CPU rate: one-second windows of rate_per_cpu records. */
static __always_inline int within_rate(__u32 op, __u64 now)
{
	struct rate_window *w = bpf_map_lookup_elem(&audit_rate, &op);
	if (!w)
		return 0;
	if (now - w->start_ns >= 1000000000ULL) {
		w->start_ns = now;
		w->count = 0;
	}
	if (w->count >= (rate_per_cpu ? rate_per_cpu : OMEGA_AUDIT_RATE_PER_CPU))
		return 0;
	w->count += 1;
	return 1;
}

/* Names the acting process (executable and argv, read only for records that are sent) and sends. */
static __always_inline void emit(struct omega_audit_record *rec)
{
	if (!within_rate(rec->op, rec->time_boot_ns)) {
		count(OMEGA_AUDIT_RATE_LIMITED);
		return;
	}
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	struct file *exe = BPF_CORE_READ(mm, exe_file);
	if (exe)
		rec->exe_len = file_path(exe, rec->exe);
	unsigned long arg_start = BPF_CORE_READ(mm, arg_start);
	unsigned long arg_end = BPF_CORE_READ(mm, arg_end);
	unsigned long len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (len > 0) {
		len = len > OMEGA_AUDIT_STR_LEN ? OMEGA_AUDIT_STR_LEN : len;
		len = ((len - 1) & (OMEGA_AUDIT_STR_LEN - 1)) + 1;
		if (bpf_probe_read_user(rec->args, len, (void *)arg_start) == 0)
			rec->args_len = len;
	}
	if (bpf_ringbuf_output(&audit_events, rec, sizeof(*rec), omega_ringbuf_wakeup(&audit_events)) != 0)
		count(OMEGA_LOST_AUDIT);
}

static __always_inline __u16 user_str(char *out, __u32 size, __u64 ptr)
{
	long n = bpf_probe_read_user_str(out, size, (const void *)ptr);
	return n > 0 ? n - 1 : 0;
}

static __always_inline __u16 dname(char *out, __u32 size, struct dentry *dentry)
{
	long n = bpf_probe_read_kernel_str(out, size, BPF_CORE_READ(dentry, d_name.name));
	return n > 0 ? n - 1 : 0;
}

#include "audit-file-ops.h"

#define CLONE_NEW_ANY (0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | \
		       0x40000000 | 0x00000080)

/* set*id: only calls that ask for id 0 or fail (a privilege drop to a service user is not sent). */
static __noinline void set_id(__u32 call, long ret, __u64 *a, int n)
{
	int wants_root = 0;
	for (int i = 0; i < 3; i++)
		if (i < n && (__u32)a[i] == 0)
			wants_root = 1;
	int fs = call == OMEGA_CALL_SETFSUID || call == OMEGA_CALL_SETFSGID; /* returns the old id */
	if (!wants_root && (fs || ret == 0))
		return;
	struct omega_audit_record *rec = begin(OMEGA_AUDIT_PRIV, call, ret);
	if (!rec)
		return;
	for (int i = 0; i < 3; i++)
		rec->arg[i] = i < n ? (__u32)a[i] : 0xffffffffULL;
	emit(rec);
}

static __noinline void security_call(__u32 call, long ret, __u64 *a)
{
	struct omega_audit_record *rec;
	switch (call) {
	case OMEGA_CALL_SETUID:
	case OMEGA_CALL_SETGID:
	case OMEGA_CALL_SETFSUID:
	case OMEGA_CALL_SETFSGID:
		set_id(call, ret, a, 1);
		return;
	case OMEGA_CALL_SETREUID:
	case OMEGA_CALL_SETREGID:
		set_id(call, ret, a, 2);
		return;
	case OMEGA_CALL_SETRESUID:
	case OMEGA_CALL_SETRESGID:
		set_id(call, ret, a, 3);
		return;
	case OMEGA_CALL_CAPSET:
		rec = begin(OMEGA_AUDIT_PRIV, call, ret);
		break;
	case OMEGA_CALL_PTRACE: {
		__u64 req = a[0];
		/* TRACEME, POKETEXT, POKEDATA, POKEUSER, ATTACH, SEIZE */
		if (req != 0 && req != 4 && req != 5 && req != 6 && req != 16 && req != 0x4206)
			return;
		rec = begin(OMEGA_AUDIT_PTRACE, call, ret);
		if (!rec)
			return;
		rec->arg[0] = req;
		rec->target_pid = req == 0 ? 0 : (__u32)a[1];
		break;
	}
	case OMEGA_CALL_MOUNT:
	case OMEGA_CALL_MOVE_MOUNT: {
		int classic = call == OMEGA_CALL_MOUNT;
		rec = begin(OMEGA_AUDIT_MOUNT, call, ret);
		if (!rec)
			return;
		/* mount(source, target, fstype, flags, data); move_mount(from_dfd, from, to_dfd, to, flags) */
		rec->path_len = user_str(rec->path, OMEGA_AUDIT_STR_LEN, classic ? a[1] : a[3]);
		rec->path2_len = user_str(rec->path2, OMEGA_AUDIT_STR_LEN, classic ? a[0] : a[1]);
		if (classic)
			rec->extra_len = user_str(rec->extra, OMEGA_AUDIT_EXTRA_LEN, a[2]);
		rec->arg[0] = classic ? a[3] : a[4];
		break;
	}
	case OMEGA_CALL_UNSHARE:
	case OMEGA_CALL_CLONE:
	case OMEGA_CALL_CLONE3: {
		__u64 flags = a[0];
		if (call == OMEGA_CALL_CLONE3 && bpf_probe_read_user(&flags, sizeof(flags), (void *)a[0]) != 0)
			return;
		/* clone: the parent's exit only (the child returns 0) */
		if (!(flags & CLONE_NEW_ANY) || (call != OMEGA_CALL_UNSHARE && ret <= 0))
			return;
		rec = begin(OMEGA_AUDIT_NAMESPACE, call, ret);
		if (!rec)
			return;
		rec->arg[0] = flags;
		break;
	}
	case OMEGA_CALL_SETNS: {
		rec = begin(OMEGA_AUDIT_NAMESPACE, call, ret);
		if (!rec)
			return;
		rec->arg[1] = a[1]; /* nstype; arg[0] (CLONE_NEW* of the namespace) is named by the sentinel */
		struct file *file = current_fd_file(a[0]);
		if (file)
			rec->extra_len = dname(rec->extra, OMEGA_AUDIT_EXTRA_LEN, BPF_CORE_READ(file, f_path.dentry));
		break;
	}
	case OMEGA_CALL_INIT_MODULE:
	case OMEGA_CALL_FINIT_MODULE:
		rec = begin(OMEGA_AUDIT_MODULE, call, ret);
		if (!rec)
			return;
		if (call == OMEGA_CALL_FINIT_MODULE) {
			struct file *file = current_fd_file(a[0]);
			if (file)
				rec->path_len = file_path(file, rec->path);
			rec->arg[0] = a[2];
		} else {
			rec->arg[0] = a[1]; /* the image's length */
		}
		rec->extra_len = user_str(rec->extra, OMEGA_AUDIT_EXTRA_LEN, a[call == OMEGA_CALL_FINIT_MODULE ? 1 : 2]);
		break;
	case OMEGA_CALL_BPF: {
		if (a[0] != 5 /* BPF_PROG_LOAD */ || (bpf_get_current_pid_tgid() >> 32) == loader_tgid)
			return;
		rec = begin(OMEGA_AUDIT_BPF_LOAD, call, ret);
		if (!rec)
			return;
		__u32 head[2] = {}; /* union bpf_attr: prog_type, insn_cnt ... prog_name at 48 */
		bpf_probe_read_user(head, sizeof(head), (void *)a[1]);
		rec->arg[0] = head[0];
		rec->arg[1] = head[1];
		if (bpf_probe_read_user(rec->extra, 16, (void *)(a[1] + 48)) == 0) {
			rec->extra[15] = 0;
			for (int i = 0; i < 16; i++)
				if (rec->extra[i] == 0) {
					rec->extra_len = i;
					break;
				}
		}
		break;
	}
	case OMEGA_CALL_SOCKET:
		if ((a[1] & 0xf) != 3 /* SOCK_RAW */ && a[0] != 17 /* AF_PACKET */)
			return;
		rec = begin(OMEGA_AUDIT_RAW_SOCKET, call, ret);
		if (!rec)
			return;
		rec->arg[0] = a[0];
		rec->arg[1] = a[1];
		rec->arg[2] = a[2];
		break;
	case OMEGA_CALL_MEMFD_CREATE:
		if (ret < 0)
			return;
		rec = begin(OMEGA_AUDIT_MEMFD_CREATE, call, ret);
		if (!rec)
			return;
		rec->extra_len = user_str(rec->extra, OMEGA_AUDIT_EXTRA_LEN, a[0]);
		rec->arg[0] = a[1];
		break;
	default:
		return;
	}
	if (rec)
		emit(rec);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(omega_audit_sys_exit, struct pt_regs *regs, long ret)
{
	unsigned long nr = SYSCALL_NR(regs);
	if (nr >= OMEGA_NR_MAX)
		return 0;
	__u32 call = call_of_nr[nr];
	if (!call)
		return 0;
	__u64 a[5] = { SYSCALL_ARG0(regs), SYSCALL_ARG1(regs), SYSCALL_ARG2(regs), SYSCALL_ARG3(regs),
		       SYSCALL_ARG4(regs) };
	if (call >= OMEGA_CALL_OPEN) {
		if (prefix_count > 0 && ret >= 0)
			file_call(call, ret, a);
		return 0;
	}
	security_call(call, ret, a);
	return 0;
}

#include "audit-enforce.h"

/* After exec: a setuid/setgid binary (or file capabilities for a non-root user) gave new
 * credentials; or the program came from a file with no link (a memfd, a deleted file). */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(omega_audit_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct file *file = BPF_CORE_READ(bprm, file);
	unsigned int nlink = BPF_CORE_READ(file, f_inode, __i_nlink);
	const struct cred *cred = BPF_CORE_READ(task, cred);
	__u32 uid = BPF_CORE_READ(cred, uid.val), euid = BPF_CORE_READ(cred, euid.val);
	__u32 gid = BPF_CORE_READ(cred, gid.val), egid = BPF_CORE_READ(cred, egid.val);
	__u64 caps = 0;
	bpf_probe_read_kernel(&caps, sizeof(caps), &cred->cap_effective);
	int setid = uid != euid || gid != egid || (uid != 0 && caps != 0);
	for (int i = 0; i < 2; i++) {
		__u32 op = i == 0 ? OMEGA_AUDIT_MEMFD_EXEC : OMEGA_AUDIT_EXEC_SETID;
		if (op == OMEGA_AUDIT_MEMFD_EXEC ? nlink != 0 : !setid)
			continue;
		struct omega_audit_record *rec = begin(op, OMEGA_CALL_EXECVE, 0);
		if (!rec)
			return 0;
		long n = bpf_probe_read_kernel_str(rec->path, OMEGA_AUDIT_STR_LEN, BPF_CORE_READ(bprm, filename));
		rec->path_len = n > 0 ? n - 1 : 0;
		rec->extra_len = dname(rec->extra, OMEGA_AUDIT_EXTRA_LEN, BPF_CORE_READ(file, f_path.dentry));
		emit(rec);
	}
	if (enforce_count > 0)
		enforce_exec(file, nlink == 0);
	return 0;
}

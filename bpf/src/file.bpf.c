// SPDX-License-Identifier: GPL-2.0
/* File telemetry on a watched set: an open of a watched inode becomes a ring-buffer record. The
 * filter runs in the kernel (a syscall-number test, then one hash lookup per successful open), so
 * unwatched opens cost no record.
 *
 * The hook is the raw syscall exit tracepoint (tp_btf/sys_exit): on this kernel fentry, fexit and
 * BPF LSM programs are refused (EPERM) and tracefs is absent, while tp_btf attaches. At the exit of
 * an open the new descriptor's struct file is final: its inode is what was opened, whatever path,
 * link or mount led there. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sentinel-events.h"
#include "ringbuf-wakeup.h"

char LICENSE[] SEC("license") = "GPL";

/* The watched set, filled by the loader (`file-watch`): inode + device → watch id and ops. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OMEGA_FILE_WATCHES);
	__type(key, struct omega_file_key);
	__type(value, struct omega_file_watch);
} file_watch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} file_events SEC(".maps");

/* Records lost because the ring buffer was full; the loader reports the sum. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OMEGA_FILE_LOST_KINDS);
	__type(key, __u32);
	__type(value, __u64);
} file_lost SEC(".maps");

/* Scratch for building a path from its last component backwards: a masked offset below
 * OMEGA_FILE_PATH_LEN plus a name of at most 255 bytes stays inside it (the verifier's proof). */
#define NAME_MASK 255
#define PATH_SCRATCH (OMEGA_FILE_PATH_LEN + NAME_MASK + 1)
#define PATH_MASK (OMEGA_FILE_PATH_LEN - 1)
#define PATH_DEPTH 24
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, char[PATH_SCRATCH]);
} path_scratch SEC(".maps");

/* Syscalls that return a new descriptor for a path. */
static __always_inline int is_open_syscall(long nr)
{
#if defined(__TARGET_ARCH_x86)
	return nr == 2 /* open */ || nr == 257 /* openat */ || nr == 437 /* openat2 */ || nr == 85 /* creat */ ||
	       nr == 304 /* open_by_handle_at */;
#elif defined(__TARGET_ARCH_arm64)
	return nr == 56 /* openat */ || nr == 437 /* openat2 */ || nr == 265 /* open_by_handle_at */;
#else
#error "file.bpf.c: syscall numbers for this architecture are missing"
#endif
}

/* regs is a trusted BTF pointer here: a direct load, no helper call (this runs on every syscall). */
static __always_inline long syscall_nr(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return regs->orig_ax;
#else
	return regs->syscallno;
#endif
}

struct path_walk {
	struct dentry *dentry;
	struct mount *mnt;
	__u32 pos; /* where the path written so far starts in the scratch */
	int complete;
};

/* One step up from walk->dentry: its name is written before what is there, or the walk crosses
 * to the mount it is mounted on. bpf_loop's callback, so the verifier checks one step, not all. */
static long path_step(__u64 index, struct path_walk *walk)
{
	__u32 zero = 0;
	char *buf = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!buf)
		return 1;
	struct dentry *dentry = walk->dentry;
	struct mount *mnt = walk->mnt;
	struct dentry *mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		if (dentry != mnt_root || mnt_parent == mnt) {
			walk->complete = 1; /* the root of the mount tree */
			return 1;
		}
		walk->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		walk->mnt = mnt_parent;
		return 0;
	}
	__u32 len = BPF_CORE_READ(dentry, d_name.len) & NAME_MASK;
	__u32 pos = walk->pos;
	if (len + 1 > pos || pos > PATH_MASK)
		return 1;
	pos -= len;
	bpf_probe_read_kernel(&buf[pos & PATH_MASK], len, BPF_CORE_READ(dentry, d_name.name));
	pos -= 1;
	buf[pos & PATH_MASK] = '/';
	walk->pos = pos;
	walk->dentry = parent;
	return 0;
}

/* The path of `file` from the root of its mount tree (as /proc/<pid>/mountinfo names mounts, so a
 * container's process gets the path it sees): components are written backwards into the scratch
 * ending at OMEGA_FILE_PATH_LEN - 1, then copied out. Deeper than PATH_DEPTH or longer than the
 * record: the leading part is cut and the path starts with "...". Returns its length. */
static __always_inline __u32 file_path(struct file *file, char *out)
{
	__u32 zero = 0;
	char *buf = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!buf)
		return 0;
	struct vfsmount *vfsmnt = BPF_CORE_READ(file, f_path.mnt);
	struct path_walk walk = {
		.dentry = BPF_CORE_READ(file, f_path.dentry),
		.mnt = (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt),
		.pos = OMEGA_FILE_PATH_LEN - 1,
	};
	buf[PATH_MASK] = '\0';
	bpf_loop(PATH_DEPTH, path_step, &walk, 0);
	__u32 pos = walk.pos & PATH_MASK;
	if (pos == OMEGA_FILE_PATH_LEN - 1) {
		/* the root itself */
		pos -= 1;
		buf[pos & PATH_MASK] = '/';
	}
	if (!walk.complete && pos >= 3) {
		pos -= 3;
		buf[pos & PATH_MASK] = '.';
		buf[(pos + 1) & PATH_MASK] = '.';
		buf[(pos + 2) & PATH_MASK] = '.';
	}
	__u32 n = (OMEGA_FILE_PATH_LEN - pos) & PATH_MASK; /* with the NUL; pos >= 1 so n < LEN */
	bpf_probe_read_kernel(out, n, &buf[pos & PATH_MASK]);
	return n > 0 ? n - 1 : 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(omega_file_open, struct pt_regs *regs, long ret)
{
	if (ret < 0 || !is_open_syscall(syscall_nr(regs)))
		return 0;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if ((unsigned long)ret >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[ret]) != 0 || !file)
		return 0;
	struct omega_file_key key = {
		.ino = BPF_CORE_READ(file, f_inode, i_ino),
		.dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev),
	};
	struct omega_file_watch *watch = bpf_map_lookup_elem(&file_watch, &key);
	if (!watch || !(watch->ops & OMEGA_FILE_OP_OPEN))
		return 0;
	struct omega_file_record *rec = bpf_ringbuf_reserve(&file_events, sizeof(*rec), 0);
	if (!rec) {
		__u32 kind = OMEGA_LOST_FILE;
		__u64 *counter = bpf_map_lookup_elem(&file_lost, &kind);
		if (counter)
			*counter += 1; /* per-CPU slot: no atomics needed */
		return 0;
	}
	__u64 uid_gid = bpf_get_current_uid_gid();
	rec->kind = OMEGA_REC_FILE;
	rec->op = OMEGA_FILE_OP_OPEN;
	rec->pid = bpf_get_current_pid_tgid() >> 32;
	rec->uid = (__u32)uid_gid;
	rec->gid = (__u32)(uid_gid >> 32);
	rec->watch_id = watch->watch_id;
	rec->flags = BPF_CORE_READ(file, f_flags);
	rec->time_boot_ns = bpf_ktime_get_boot_ns();
	rec->cgroup_id = bpf_get_current_cgroup_id();
	rec->ino = key.ino;
	rec->dev = key.dev;
	rec->pad = 0;
	bpf_get_current_comm(rec->comm, sizeof(rec->comm));
	rec->path_len = file_path(file, rec->path);
	bpf_ringbuf_submit(rec, omega_ringbuf_wakeup(&file_events));
	return 0;
}

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
#include "path-walk.h"

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

SEC("tp_btf/sys_exit")
int BPF_PROG(omega_file_open, struct pt_regs *regs, long ret)
{
	if (ret < 0 || !is_open_syscall(syscall_nr(regs)))
		return 0;
	struct file *file = current_fd_file(ret);
	if (!file)
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

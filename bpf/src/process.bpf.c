// SPDX-License-Identifier: GPL-2.0
/* Process exec/exit telemetry through BTF tracepoints (tp_btf needs no tracefs). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sentinel-events.h"
#include "ringbuf-wakeup.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} events SEC(".maps");

/* Records lost because the ring buffer was full, per kind; the loader reports the sums. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OMEGA_LOST_KINDS);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

static __always_inline void count_lost(__u32 kind)
{
	__u64 *counter = bpf_map_lookup_elem(&lost, &kind);
	if (counter)
		*counter += 1; /* per-CPU slot: no atomics needed */
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(omega_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct omega_exec_record *rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
	if (!rec) {
		count_lost(OMEGA_LOST_EXEC);
		return 0;
	}
	__u64 uid_gid = bpf_get_current_uid_gid();
	rec->kind = OMEGA_REC_EXEC;
	rec->pid = BPF_CORE_READ(task, tgid);
	rec->ppid = BPF_CORE_READ(task, real_parent, tgid);
	rec->uid = (__u32)uid_gid;
	rec->gid = (__u32)(uid_gid >> 32);
	rec->time_boot_ns = bpf_ktime_get_boot_ns();
	rec->cgroup_id = bpf_get_current_cgroup_id();
	rec->start_boot_ns = BPF_CORE_READ(task, start_boottime);
	bpf_get_current_comm(rec->comm, sizeof(rec->comm));

	long n = bpf_probe_read_kernel_str(rec->filename, sizeof(rec->filename), BPF_CORE_READ(bprm, filename));
	rec->filename_len = n > 0 ? n - 1 : 0;

	/* argv lives in the new image's user memory, just set up by exec: bounded copy. */
	unsigned long arg_start = BPF_CORE_READ(task, mm, arg_start);
	unsigned long arg_end = BPF_CORE_READ(task, mm, arg_end);
	unsigned long len = arg_end > arg_start ? arg_end - arg_start : 0;
	rec->args_truncated = len > OMEGA_ARGS_LEN;
	if (len > OMEGA_ARGS_LEN)
		len = OMEGA_ARGS_LEN;
	rec->args_len = 0;
	/* ((len - 1) & (N - 1)) + 1 equals len for 1..N and proves the bound to the verifier. */
	if (len > 0) {
		len = ((len - 1) & (OMEGA_ARGS_LEN - 1)) + 1;
		if (bpf_probe_read_user(rec->args, len, (void *)arg_start) == 0)
			rec->args_len = len;
	}

	bpf_ringbuf_submit(rec, omega_ringbuf_wakeup(&events));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(omega_exit, struct task_struct *task)
{
	/* One event per process, not per thread. */
	if (BPF_CORE_READ(task, pid) != BPF_CORE_READ(task, tgid))
		return 0;
	struct omega_exit_record *rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
	if (!rec) {
		count_lost(OMEGA_LOST_EXIT);
		return 0;
	}
	__u64 uid_gid = bpf_get_current_uid_gid();
	rec->kind = OMEGA_REC_EXIT;
	rec->pid = BPF_CORE_READ(task, tgid);
	rec->ppid = BPF_CORE_READ(task, real_parent, tgid);
	rec->uid = (__u32)uid_gid;
	rec->gid = (__u32)(uid_gid >> 32);
	rec->exit_code = BPF_CORE_READ(task, exit_code);
	rec->time_boot_ns = bpf_ktime_get_boot_ns();
	rec->cgroup_id = bpf_get_current_cgroup_id();
	rec->start_boot_ns = BPF_CORE_READ(task, start_boottime);
	bpf_get_current_comm(rec->comm, sizeof(rec->comm));
	bpf_ringbuf_submit(rec, omega_ringbuf_wakeup(&events));
	return 0;
}

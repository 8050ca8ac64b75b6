/* audit.bpf.c's in-kernel enforcement (docs/sentinel-telemetry.md, "Enforcement"): at
 * sched_process_exec, after the new program is mapped and before it runs one instruction, an exec
 * that a policy in enforce_rules names (its file under a path, or a file with no link: memfd) is
 * sent SIGKILL with bpf_send_signal, or, in dry run, only reported. Every match is an ENFORCE
 * record (arg[0] policy id, arg[1] dry run, arg[2] kind). SIGKILL from here is the only
 * enforcement this kernel allows: BPF LSM, fmod_ret and fentry programs are refused at load and
 * there are no kprobes (so no bpf_override_return), so nothing can make a call fail. Included by
 * audit.bpf.c after emit(). */
#ifndef OMEGA_AUDIT_ENFORCE_H
#define OMEGA_AUDIT_ENFORCE_H

#define SIGKILL_ 9

struct enforce_match {
	__u32 memfd; /* the executed file has no link */
	__u32 hit;
	__u32 index;
};

/* `path` (the scratch record's) starts with the rule's prefix, compared 8 bytes at a time. */
static __always_inline int under_prefix(const char *path, const struct omega_enforce_rule *r)
{
	__u32 len = r->len;
	if (len == 0 || len >= OMEGA_AUDIT_STR_LEN)
		return 0;
	for (__u32 off = 0; off < OMEGA_AUDIT_STR_LEN; off += 8) {
		if (off >= len)
			break;
		__u64 a = *(const __u64 *)(path + off);
		__u64 b = *(const __u64 *)(r->path + off);
		__u32 rem = len - off;
		if (rem < 8) {
			__u64 mask = (1ULL << (rem * 8)) - 1;
			a &= mask;
			b &= mask;
		}
		if (a != b)
			return 0;
	}
	char next = path[len & (OMEGA_AUDIT_STR_LEN - 1)];
	return len == 1 || next == 0 || next == '/';
}

/* One policy against the scratch record: bpf_loop's callback; the first match wins. */
static long enforce_step(__u64 index, struct enforce_match *m)
{
	if (index >= enforce_count)
		return 1;
	__u32 key = index;
	struct omega_enforce_rule *r = bpf_map_lookup_elem(&enforce_rules, &key);
	struct omega_audit_record *rec = scratch();
	if (!r || !rec)
		return 1;
	if (r->kind == OMEGA_ENFORCE_MEMFD_EXEC ? !m->memfd : !under_prefix(rec->path, r))
		return 0;
	m->hit = 1;
	m->index = index;
	return 1;
}

static __noinline void enforce_exec(struct file *file, int memfd)
{
	struct omega_audit_record *rec = begin(OMEGA_AUDIT_ENFORCE, OMEGA_CALL_EXECVE, 0);
	if (!rec)
		return;
	/* the file as the kernel found it (symlinks and .. resolved), from the process's root */
	rec->path_len = file_path(file, rec->path);
	struct enforce_match m = { .memfd = memfd };
	bpf_loop(OMEGA_ENFORCE_RULES, enforce_step, &m, 0);
	if (!m.hit)
		return;
	__u32 key = m.index;
	struct omega_enforce_rule *r = bpf_map_lookup_elem(&enforce_rules, &key);
	if (!r)
		return;
	/* the signal is pending on return to user space: the new program never runs */
	if (!r->dry_run)
		rec->result = bpf_send_signal(SIGKILL_);
	rec->arg[0] = r->policy_id;
	rec->arg[1] = r->dry_run;
	rec->arg[2] = r->kind;
	rec->extra_len = dname(rec->extra, OMEGA_AUDIT_EXTRA_LEN, BPF_CORE_READ(file, f_path.dentry));
	emit(rec);
}

#endif

/* audit.bpf.c's file operations under watched prefixes: create (open with O_CREAT, creat,
 * mkdir), rename, delete (unlink, rmdir), chmod and chown. A created file is named from its new
 * descriptor's dentries; the others from the path the process passed, made absolute with its
 * working directory or directory descriptor (not resolved: `..` and symlinks stay as written).
 * Matching is 8-byte words against each prefix (file_prefixes), so a miss usually costs a word
 * compare per prefix; the acting process is read only for a match. Included by audit.bpf.c after
 * fill() and emit(). */
#ifndef OMEGA_AUDIT_FILE_OPS_H
#define OMEGA_AUDIT_FILE_OPS_H

#define AT_FDCWD_ (-100)
#define O_CREAT_ 0100

/* User path `upath` (relative to `dirfd`) as an absolute path in `out` (OMEGA_FILE_PATH_LEN). */
static __always_inline __u16 absolute_path(long dirfd, __u64 upath, char *out)
{
	char first = 0;
	if (bpf_probe_read_user(&first, 1, (const void *)upath) != 0)
		return 0;
	if (first == '/')
		return user_str(out, OMEGA_FILE_PATH_LEN, upath);
	__u32 base;
	if ((int)dirfd == AT_FDCWD_) {
		struct task_struct *task = (struct task_struct *)bpf_get_current_task();
		base = dentry_path(BPF_CORE_READ(task, fs, pwd.dentry), BPF_CORE_READ(task, fs, pwd.mnt), out);
	} else {
		struct file *file = current_fd_file((int)dirfd);
		if (!file)
			return 0;
		base = file_path(file, out);
	}
	if (base > OMEGA_AUDIT_STR_LEN - 2)
		return base; /* no room: the directory alone */
	if (base != 1) /* "/" needs no separator */
		out[base++ & (OMEGA_AUDIT_STR_LEN - 1)] = '/';
	/* the mask is the verifier's bound; the compiler must not drop it as redundant */
	asm volatile("" : "+r"(base));
	base &= OMEGA_AUDIT_STR_LEN - 1;
	long n = bpf_probe_read_user_str(&out[base], OMEGA_AUDIT_STR_LEN, (const void *)upath);
	return n > 0 ? base + n - 1 : base;
}

struct prefix_match {
	__u32 ops;      /* the omega_file_op bit looked for */
	__u32 second;   /* 1: match path2 instead of path */
	__u32 watch_id; /* out: the matching prefix's id */
	__u32 hit;
};

/* One prefix against the scratch record's path: bpf_loop's callback. */
static long prefix_step(__u64 index, struct prefix_match *m)
{
	if (index >= prefix_count)
		return 1;
	__u32 key = index;
	struct omega_file_prefix *p = bpf_map_lookup_elem(&file_prefixes, &key);
	struct omega_audit_record *rec = scratch();
	if (!p || !rec)
		return 1;
	if (!(p->ops & m->ops))
		return 0;
	__u32 len = p->len;
	if (len == 0 || len >= OMEGA_AUDIT_STR_LEN)
		return 0;
	const char *path = m->second ? rec->path2 : rec->path;
	for (__u32 off = 0; off < OMEGA_AUDIT_STR_LEN; off += 8) {
		if (off >= len)
			break;
		__u64 a = *(const __u64 *)(path + off);
		__u64 b = *(const __u64 *)(p->path + off);
		__u32 rem = len - off;
		if (rem < 8) {
			__u64 mask = (1ULL << (rem * 8)) - 1;
			a &= mask;
			b &= mask;
		}
		if (a != b)
			return 0;
	}
	/* "/etc" selects /etc and what is under it, not /etcetera ("/" selects everything) */
	char next = path[len & (OMEGA_AUDIT_STR_LEN - 1)];
	if (len > 1 && next != 0 && next != '/')
		return 0;
	m->hit = 1;
	m->watch_id = p->watch_id;
	return 1;
}

static __always_inline int watched(struct omega_audit_record *rec, __u32 ops, __u32 second)
{
	struct prefix_match m = { .ops = ops, .second = second };
	bpf_loop(OMEGA_FILE_PREFIXES, prefix_step, &m, 0);
	if (m.hit)
		rec->watch_id = m.watch_id;
	return m.hit;
}

static __noinline void file_call(__u32 call, long ret, __u64 *a)
{
	__u32 op, bit;
	long dirfd = AT_FDCWD_;
	__u64 upath = a[0];
	__u64 flags = 0;
	switch (call) {
	case OMEGA_CALL_OPEN:
	case OMEGA_CALL_OPENAT:
	case OMEGA_CALL_OPENAT2:
		if (call == OMEGA_CALL_OPEN)
			flags = a[1];
		else if (call == OMEGA_CALL_OPENAT)
			flags = a[2];
		else if (bpf_probe_read_user(&flags, sizeof(flags), (void *)a[2]) != 0) /* open_how.flags */
			return;
		if (!(flags & O_CREAT_))
			return;
		/* fall through */
	case OMEGA_CALL_CREAT: {
		struct omega_audit_record *rec = scratch();
		struct file *file = current_fd_file(ret);
		if (!rec || !file)
			return;
		rec->path_len = file_path(file, rec->path);
		if (!watched(rec, OMEGA_FILE_OP_CREATE, 0))
			return;
		fill(rec, OMEGA_AUDIT_FILE_CREATE, call, ret);
		rec->path2_len = 0;
		rec->arg[0] = call == OMEGA_CALL_CREAT ? 01101 : flags;
		emit(rec);
		return;
	}
	case OMEGA_CALL_MKDIRAT:
	case OMEGA_CALL_UNLINKAT:
	case OMEGA_CALL_FCHMODAT:
	case OMEGA_CALL_FCHMODAT2:
	case OMEGA_CALL_FCHOWNAT:
		dirfd = a[0];
		upath = a[1];
		break;
	case OMEGA_CALL_FCHMOD:
	case OMEGA_CALL_FCHOWN:
		dirfd = a[0];
		upath = 0;
		break;
	default:
		break;
	}
	switch (call) {
	case OMEGA_CALL_MKDIR:
	case OMEGA_CALL_MKDIRAT:
		op = OMEGA_AUDIT_FILE_CREATE, bit = OMEGA_FILE_OP_CREATE;
		break;
	case OMEGA_CALL_RENAME:
	case OMEGA_CALL_RENAMEAT:
	case OMEGA_CALL_RENAMEAT2:
		op = OMEGA_AUDIT_FILE_RENAME, bit = OMEGA_FILE_OP_RENAME;
		break;
	case OMEGA_CALL_UNLINK:
	case OMEGA_CALL_UNLINKAT:
	case OMEGA_CALL_RMDIR:
		op = OMEGA_AUDIT_FILE_DELETE, bit = OMEGA_FILE_OP_DELETE;
		break;
	case OMEGA_CALL_CHMOD:
	case OMEGA_CALL_FCHMOD:
	case OMEGA_CALL_FCHMODAT:
	case OMEGA_CALL_FCHMODAT2:
		op = OMEGA_AUDIT_FILE_CHMOD, bit = OMEGA_FILE_OP_CHMOD;
		break;
	default:
		op = OMEGA_AUDIT_FILE_CHOWN, bit = OMEGA_FILE_OP_CHOWN;
		break;
	}
	struct omega_audit_record *rec = scratch();
	if (!rec)
		return;
	if (call == OMEGA_CALL_RENAME || call == OMEGA_CALL_RENAMEAT || call == OMEGA_CALL_RENAMEAT2) {
		int at = call != OMEGA_CALL_RENAME;
		rec->path_len = absolute_path(at ? (long)a[0] : AT_FDCWD_, at ? a[1] : a[0], rec->path);
		rec->path2_len = absolute_path(at ? (long)a[2] : AT_FDCWD_, at ? a[3] : a[1], rec->path2);
		if (!watched(rec, bit, 0) && !watched(rec, bit, 1))
			return;
		fill(rec, op, call, ret);
		emit(rec);
		return;
	}
	if (upath) {
		rec->path_len = absolute_path(dirfd, upath, rec->path);
	} else {
		struct file *file = current_fd_file(dirfd);
		if (!file)
			return;
		rec->path_len = file_path(file, rec->path);
	}
	if (!watched(rec, bit, 0))
		return;
	fill(rec, op, call, ret);
	rec->path2_len = 0;
	/* mode (chmod, mkdir) or uid and gid (chown); unlinkat's flags */
	int at = call == OMEGA_CALL_MKDIRAT || call == OMEGA_CALL_UNLINKAT || call == OMEGA_CALL_FCHMODAT ||
		 call == OMEGA_CALL_FCHMODAT2 || call == OMEGA_CALL_FCHOWNAT;
	rec->arg[0] = at ? a[2] : a[1];
	rec->arg[1] = at ? a[3] : a[2];
	emit(rec);
}

#endif

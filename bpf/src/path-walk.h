/* Builds a path in the kernel from a dentry and its mount, walking up the dentry chain and the
 * mount tree (bpf_loop over at most PATH_DEPTH components), as /proc/<pid>/mountinfo names mounts:
 * a container's process gets the path it sees. Shared by file.bpf.c and audit.bpf.c; each object
 * that includes it gets its own per-CPU scratch. */
#ifndef OMEGA_PATH_WALK_H
#define OMEGA_PATH_WALK_H

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

/* The path of `dentry` on `vfsmnt` from the root of its mount tree (as /proc/<pid>/mountinfo names mounts, so a
 * container's process gets the path it sees): components are written backwards into the scratch
 * ending at OMEGA_FILE_PATH_LEN - 1, then copied out. Deeper than PATH_DEPTH or longer than the
 * record: the leading part is cut and the path starts with "...". Returns its length. */
static __always_inline __u32 dentry_path(struct dentry *dentry, struct vfsmount *vfsmnt, char *out)
{
	__u32 zero = 0;
	char *buf = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!buf)
		return 0;
	struct path_walk walk = {
		.dentry = dentry,
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

/* The struct file behind descriptor `fd` of the current task, or NULL. */
static __always_inline struct file *current_fd_file(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if (fd < 0 || (unsigned long)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) != 0)
		return NULL;
	return file;
}

/* The path of an open file (see dentry_path). */
static __always_inline __u32 file_path(struct file *file, char *out)
{
	return dentry_path(BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt), out);
}

#endif

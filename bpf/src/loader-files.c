/* The watched file set: `file-watch` resolves a path to its inode and device now and puts them in
 * the file object's `file_watch` map, so the kernel filters opens by inode (bpf/README.md). The
 * probe runs at every syscall's exit, so it is attached only while the map holds a watch. */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "loader-state.h"
#include "loader-files.h"

static int parse_watch_id(const char *text, uint32_t *id)
{
	if (!text || !*text)
		return -EINVAL;
	char *end;
	unsigned long n = strtoul(text, &end, 10);
	if (*end != '\0' || n == 0 || n > UINT32_MAX)
		return -EINVAL;
	*id = (uint32_t)n;
	return 0;
}

/* Deletes every entry of watch `id`; returns how many. */
static int unwatch(int fd, uint32_t id)
{
	struct omega_file_key key, next;
	struct omega_file_key *prev = NULL;
	struct omega_file_key doomed[64];
	int removed = 0;
	for (;;) {
		/* collect, then delete: deleting while walking a hash map can restart the walk */
		int found = 0;
		prev = NULL;
		while (found < 64 && bpf_map_get_next_key(fd, prev, &next) == 0) {
			struct omega_file_watch value;
			if (bpf_map_lookup_elem(fd, &next, &value) == 0 && value.watch_id == id)
				doomed[found++] = next;
			key = next;
			prev = &key;
		}
		int round = 0;
		for (int i = 0; i < found; i++)
			if (bpf_map_delete_elem(fd, &doomed[i]) == 0)
				round++;
		removed += round;
		if (found < 64 || round == 0)
			return removed;
	}
}

/* Attaches the probe if it is not; 0 or -errno. */
static int attach_file_probe(struct loader *loader)
{
	if (loader->file_link)
		return 0;
	loader->file_link = bpf_program__attach(loader->file_skel->progs.omega_file_open);
	if (!loader->file_link)
		return -errno;
	return 0;
}

/* Detaches the probe once nothing is watched. */
static void detach_idle_file_probe(struct loader *loader, int fd)
{
	struct omega_file_key first;
	if (loader->file_link && bpf_map_get_next_key(fd, NULL, &first) != 0) {
		bpf_link__destroy(loader->file_link);
		loader->file_link = NULL;
	}
}

void command_file_watch(struct loader *loader, uint32_t request_id, const char *id_text, const char *ops, const char *path)
{
	uint32_t id;
	if (parse_watch_id(id_text, &id) != 0 || !ops || strcmp(ops, "open") != 0 || !path || path[0] != '/') {
		reply(request_id, -EINVAL, "file-watch: usage: file-watch <id 1..4294967295> open <absolute path>");
		return;
	}
	struct stat st;
	if (stat(path, &st) != 0) {
		reply(request_id, -errno, "file-watch %u %s: %s", id, path, strerror(errno));
		return;
	}
	/* the kernel's dev_t (MAJOR << 20 | MINOR), what super_block.s_dev holds */
	struct omega_file_key key = {
		.ino = st.st_ino,
		.dev = (uint32_t)((major(st.st_dev) << 20) | minor(st.st_dev)),
	};
	int fd = bpf_map__fd(loader->file_skel->maps.file_watch);
	struct omega_file_watch existing;
	if (bpf_map_lookup_elem(fd, &key, &existing) == 0 && existing.watch_id != id) {
		reply(request_id, -EEXIST, "file-watch %u %s: the file (dev %u:%u ino %llu) is already watch %u", id, path,
		      major(st.st_dev), minor(st.st_dev), (unsigned long long)st.st_ino, existing.watch_id);
		return;
	}
	/* a watch names one file: watching a new path under the same id drops the old inode */
	unwatch(fd, id);
	struct omega_file_watch value = { .watch_id = id, .ops = OMEGA_FILE_OP_OPEN };
	if (bpf_map_update_elem(fd, &key, &value, BPF_ANY) != 0) {
		/* E2BIG: the map's OMEGA_FILE_WATCHES entries are taken */
		int err = -errno;
		detach_idle_file_probe(loader, fd);
		reply(request_id, err, "file-watch %u %s: %s", id, path, strerror(-err));
		return;
	}
	int err = attach_file_probe(loader);
	if (err) {
		bpf_map_delete_elem(fd, &key);
		reply(request_id, err, "file-watch %u %s: attaching tp_btf/sys_exit: %s", id, path, strerror(-err));
		return;
	}
	reply(request_id, 0, "watching %s as %u (dev %u:%u ino %llu)", path, id, major(st.st_dev), minor(st.st_dev),
	      (unsigned long long)st.st_ino);
}

void command_file_unwatch(struct loader *loader, uint32_t request_id, const char *id_text)
{
	uint32_t id;
	if (parse_watch_id(id_text, &id) != 0) {
		reply(request_id, -EINVAL, "file-unwatch: usage: file-unwatch <id 1..4294967295>");
		return;
	}
	int fd = bpf_map__fd(loader->file_skel->maps.file_watch);
	int removed = unwatch(fd, id);
	detach_idle_file_probe(loader, fd);
	reply(request_id, 0, "unwatched %u (%d entries)", id, removed);
}

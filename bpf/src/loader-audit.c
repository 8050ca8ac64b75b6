/* The security telemetry object in the loader: audit.bpf.c's programs attach at start (their
 * filters run in the kernel: a syscall outside their table costs one load), records become AUDIT
 * frames, and `file-prefix` fills the watched prefixes the file operations are matched against. */
#include "loader-state.h"
#include "loader-audit.h"

int audit_start(struct loader *loader)
{
	loader->audit_skel = audit_bpf__open();
	if (!loader->audit_skel)
		return -errno;
	loader->audit_skel->rodata->loader_tgid = (uint32_t)getpid();
	if (audit_bpf__load(loader->audit_skel) != 0)
		return -errno;
	/* exec records cost nothing outside exec; the syscall program waits for `audit-syscalls on` */
	loader->audit_exec_link = bpf_program__attach(loader->audit_skel->progs.omega_audit_exec);
	return loader->audit_exec_link ? 0 : -errno;
}

void command_audit_rate(struct loader *loader, uint32_t request_id, const char *text)
{
	char *end = NULL;
	unsigned long long rate = text ? strtoull(text, &end, 10) : 0;
	if (!text || !*text || *end || rate == 0) {
		reply(request_id, -EINVAL, "audit-rate: usage: audit-rate <records per kind per CPU per second, >= 1>");
		return;
	}
	loader->audit_skel->bss->rate_per_cpu = rate;
	reply(request_id, 0, "audit rate %llu per kind per CPU per second", rate);
}

void command_audit_syscalls(struct loader *loader, uint32_t request_id, const char *state)
{
	int on = state && strcmp(state, "on") == 0;
	if (!state || (!on && strcmp(state, "off") != 0)) {
		reply(request_id, -EINVAL, "audit-syscalls: usage: audit-syscalls on|off");
		return;
	}
	if (on && !loader->audit_syscall_link) {
		loader->audit_syscall_link = bpf_program__attach(loader->audit_skel->progs.omega_audit_sys_exit);
		if (!loader->audit_syscall_link) {
			int err = -errno;
			reply(request_id, err, "audit-syscalls on: attaching tp_btf/sys_exit: %s", strerror(-err));
			return;
		}
	} else if (!on && loader->audit_syscall_link) {
		bpf_link__destroy(loader->audit_syscall_link);
		loader->audit_syscall_link = NULL;
	}
	reply(request_id, 0, "audit syscalls %s", on ? "on" : "off");
}

static size_t clamp(uint16_t len, size_t max)
{
	return len > max ? max : len;
}

void write_audit_frame(const struct loader *loader, const struct omega_audit_record *rec)
{
	struct omega_frame_audit body = {
		.op = rec->op, .call = rec->call, .pid = rec->pid, .ppid = rec->ppid, .uid = rec->uid, .gid = rec->gid,
		.euid = rec->euid, .egid = rec->egid, .target_pid = rec->target_pid, .watch_id = rec->watch_id,
		.result = rec->result, .time_ns = rec->time_boot_ns + loader->boot_to_wall_ns,
		.cgroup_id = rec->cgroup_id, .cap_effective = rec->cap_effective,
		.exe_len = clamp(rec->exe_len, sizeof(rec->exe) - 1),
		.args_len = clamp(rec->args_len, sizeof(rec->args)),
		.path_len = clamp(rec->path_len, sizeof(rec->path) - 1),
		.path2_len = clamp(rec->path2_len, sizeof(rec->path2) - 1),
		.extra_len = clamp(rec->extra_len, sizeof(rec->extra) - 1),
	};
	memcpy(body.arg, rec->arg, sizeof(body.arg));
	memcpy(body.comm, rec->comm, sizeof(body.comm));
	static char tail[sizeof(rec->exe) + sizeof(rec->args) + sizeof(rec->path) + sizeof(rec->path2) +
			 sizeof(rec->extra)];
	size_t n = 0;
	memcpy(tail + n, rec->exe, body.exe_len), n += body.exe_len;
	memcpy(tail + n, rec->args, body.args_len), n += body.args_len;
	memcpy(tail + n, rec->path, body.path_len), n += body.path_len;
	memcpy(tail + n, rec->path2, body.path2_len), n += body.path2_len;
	memcpy(tail + n, rec->extra, body.extra_len), n += body.extra_len;
	write_frame(OMEGA_FRAME_AUDIT, &body, sizeof(body), tail, n, NULL, 0);
}

static int parse_id(const char *text, uint32_t *id)
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

/* "create,rename" → the omega_file_op bits; 0 when a name is unknown. */
static uint32_t parse_ops(const char *text)
{
	static const struct { const char *name; uint32_t bit; } names[] = {
		{ "create", OMEGA_FILE_OP_CREATE }, { "rename", OMEGA_FILE_OP_RENAME },
		{ "delete", OMEGA_FILE_OP_DELETE }, { "chmod", OMEGA_FILE_OP_CHMOD },
		{ "chown", OMEGA_FILE_OP_CHOWN },
		{ "all", OMEGA_FILE_OP_CREATE | OMEGA_FILE_OP_RENAME | OMEGA_FILE_OP_DELETE | OMEGA_FILE_OP_CHMOD |
				 OMEGA_FILE_OP_CHOWN },
	};
	uint32_t ops = 0;
	char copy[128];
	if (!text || strlen(text) >= sizeof(copy))
		return 0;
	strcpy(copy, text);
	for (char *save = NULL, *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		uint32_t bit = 0;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(name, names[i].name) == 0)
				bit = names[i].bit;
		if (!bit)
			return 0;
		ops |= bit;
	}
	return ops;
}

/* Writes slot `i` of the kernel's array from the loader's copy. */
static int push_prefix(struct loader *loader, uint32_t i)
{
	int fd = bpf_map__fd(loader->audit_skel->maps.file_prefixes);
	return bpf_map_update_elem(fd, &i, &loader->prefixes[i], BPF_ANY) == 0 ? 0 : -errno;
}

static int find_prefix(const struct loader *loader, uint32_t id)
{
	for (uint32_t i = 0; i < loader->prefix_count; i++)
		if (loader->prefixes[i].watch_id == id)
			return (int)i;
	return -1;
}

void command_file_prefix(struct loader *loader, uint32_t request_id, const char *id_text, const char *ops_text,
			 const char *path)
{
	uint32_t id;
	uint32_t ops = parse_ops(ops_text);
	size_t len = path ? strlen(path) : 0;
	while (len > 1 && path[len - 1] == '/')
		len--; /* "/etc/" is "/etc" */
	if (parse_id(id_text, &id) != 0 || !ops || !path || path[0] != '/' || len >= OMEGA_AUDIT_STR_LEN) {
		reply(request_id, -EINVAL,
		      "file-prefix: usage: file-prefix <id 1..4294967295> <create,rename,delete,chmod,chown|all> "
		      "<absolute path, at most %d bytes>",
		      OMEGA_AUDIT_STR_LEN - 1);
		return;
	}
	int slot = find_prefix(loader, id);
	if (slot < 0) {
		if (loader->prefix_count >= OMEGA_FILE_PREFIXES) {
			reply(request_id, -E2BIG, "file-prefix %u %s: all %d prefixes are taken", id, path,
			      OMEGA_FILE_PREFIXES);
			return;
		}
		slot = (int)loader->prefix_count;
	}
	struct omega_file_prefix *p = &loader->prefixes[slot];
	memset(p, 0, sizeof(*p));
	p->len = (uint32_t)len;
	p->ops = ops;
	p->watch_id = id;
	memcpy(p->path, path, len);
	int err = push_prefix(loader, (uint32_t)slot);
	if (err) {
		reply(request_id, err, "file-prefix %u %s: %s", id, path, strerror(-err));
		return;
	}
	if ((uint32_t)slot == loader->prefix_count)
		loader->audit_skel->bss->prefix_count = ++loader->prefix_count;
	reply(request_id, 0, "watching %.*s (ops 0x%x) as %u", (int)len, path, ops, id);
}

void command_file_unprefix(struct loader *loader, uint32_t request_id, const char *id_text)
{
	uint32_t id;
	if (parse_id(id_text, &id) != 0) {
		reply(request_id, -EINVAL, "file-unprefix: usage: file-unprefix <id 1..4294967295>");
		return;
	}
	int slot = find_prefix(loader, id);
	if (slot < 0) {
		reply(request_id, 0, "unwatched %u (0 entries)", id);
		return;
	}
	/* the last entry moves into the hole, then the count shrinks: the kernel never sees a gap */
	uint32_t last = loader->prefix_count - 1;
	if ((uint32_t)slot != last) {
		loader->prefixes[slot] = loader->prefixes[last];
		push_prefix(loader, (uint32_t)slot);
	}
	loader->audit_skel->bss->prefix_count = --loader->prefix_count;
	reply(request_id, 0, "unwatched %u (1 entry)", id);
}

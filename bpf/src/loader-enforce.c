/* The enforcement policies in the loader: a copy of audit.bpf.c's enforce_rules, kept packed at
 * the front (enforce_count) so the kernel never sees a gap, as the watched prefixes are. */
#include "loader-state.h"
#include "loader-enforce.h"

static int parse_policy_id(const char *text, uint32_t *id)
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

static int find_policy(const struct loader *loader, uint32_t id)
{
	for (uint32_t i = 0; i < loader->enforce_count; i++)
		if (loader->enforce[i].policy_id == id)
			return (int)i;
	return -1;
}

static int push_policy(struct loader *loader, uint32_t i)
{
	int fd = bpf_map__fd(loader->audit_skel->maps.enforce_rules);
	return bpf_map_update_elem(fd, &i, &loader->enforce[i], BPF_ANY) == 0 ? 0 : -errno;
}

void command_enforce(struct loader *loader, uint32_t request_id, const char *id_text, const char *kind_text,
		     const char *mode, const char *path)
{
	uint32_t id;
	uint32_t kind = kind_text && strcmp(kind_text, "exec") == 0	    ? OMEGA_ENFORCE_EXEC
			: kind_text && strcmp(kind_text, "memfd-exec") == 0 ? OMEGA_ENFORCE_MEMFD_EXEC
									    : 0;
	int dry_run = mode && strcmp(mode, "dry-run") == 0;
	size_t len = path ? strlen(path) : 0;
	while (len > 1 && path[len - 1] == '/')
		len--;
	int path_ok = kind == OMEGA_ENFORCE_MEMFD_EXEC ? !path : (path && path[0] == '/' && len < OMEGA_AUDIT_STR_LEN);
	if (parse_policy_id(id_text, &id) != 0 || !kind || !mode || (!dry_run && strcmp(mode, "kill") != 0) ||
	    !path_ok) {
		reply(request_id, -EINVAL,
		      "enforce: usage: enforce <id 1..4294967295> exec kill|dry-run <absolute path, at most %d bytes> | "
		      "enforce <id> memfd-exec kill|dry-run",
		      OMEGA_AUDIT_STR_LEN - 1);
		return;
	}
	int slot = find_policy(loader, id);
	if (slot < 0) {
		if (loader->enforce_count >= OMEGA_ENFORCE_RULES) {
			reply(request_id, -E2BIG, "enforce %u: all %d policies are taken", id, OMEGA_ENFORCE_RULES);
			return;
		}
		slot = (int)loader->enforce_count;
	}
	struct omega_enforce_rule *r = &loader->enforce[slot];
	memset(r, 0, sizeof(*r));
	r->policy_id = id;
	r->kind = kind;
	r->dry_run = (uint32_t)dry_run;
	r->len = (uint32_t)len;
	if (path)
		memcpy(r->path, path, len);
	int err = push_policy(loader, (uint32_t)slot);
	if (err) {
		reply(request_id, err, "enforce %u: %s", id, strerror(-err));
		return;
	}
	if ((uint32_t)slot == loader->enforce_count)
		loader->audit_skel->bss->enforce_count = ++loader->enforce_count;
	reply(request_id, 0, "enforcing %u: %s %.*s %s", id, kind_text, (int)len, path ? path : "",
	      dry_run ? "dry-run" : "kill");
}

void command_unenforce(struct loader *loader, uint32_t request_id, const char *id_text)
{
	uint32_t id;
	if (parse_policy_id(id_text, &id) != 0) {
		reply(request_id, -EINVAL, "unenforce: usage: unenforce <id 1..4294967295>");
		return;
	}
	int slot = find_policy(loader, id);
	if (slot < 0) {
		reply(request_id, 0, "unenforced %u (0 entries)", id);
		return;
	}
	uint32_t last = loader->enforce_count - 1;
	if ((uint32_t)slot != last) {
		loader->enforce[slot] = loader->enforce[last];
		push_policy(loader, (uint32_t)slot);
	}
	loader->audit_skel->bss->enforce_count = --loader->enforce_count;
	reply(request_id, 0, "unenforced %u (1 entry)", id);
}

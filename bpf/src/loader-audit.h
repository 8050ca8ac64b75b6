/* The security telemetry object (audit.bpf.c) in the loader: start-up, its records as AUDIT
 * frames, and the watched prefixes' commands (loader-audit.c). */
#ifndef OMEGA_LOADER_AUDIT_H
#define OMEGA_LOADER_AUDIT_H
#include "loader-state.h"

/* Opens and loads audit.bpf.c (telling it the loader's own pid), attaches the exec program; 0 or -errno. */
int audit_start(struct loader *loader);
/* "audit-syscalls on|off": attaches or detaches the syscall-exit program (it runs at the exit of
 * every syscall of every process: ~100 ns each on a 2-core machine, bpf/README.md). */
void command_audit_syscalls(struct loader *loader, uint32_t request_id, const char *state);
/* "audit-rate <n>": at most n records per kind per CPU per second (default 500). */
void command_audit_rate(struct loader *loader, uint32_t request_id, const char *rate);
/* Writes one ring-buffer record as an AUDIT frame. */
void write_audit_frame(const struct loader *loader, const struct omega_audit_record *rec);
/* "file-prefix <id> <ops> <absolute path>": report ops (create,rename,delete,chmod,chown or all)
 * on the path and everything under it; the same id again replaces it. */
void command_file_prefix(struct loader *loader, uint32_t request_id, const char *id, const char *ops, const char *path);
/* "file-unprefix <id>": drops it (nothing to drop is not an error). */
void command_file_unprefix(struct loader *loader, uint32_t request_id, const char *id);

#endif

/* In-kernel enforcement in the loader (loader-enforce.c): the `enforce` / `unenforce` commands fill
 * audit.bpf.c's enforce_rules (bpf/src/audit-enforce.h). */
#ifndef OMEGA_LOADER_ENFORCE_H
#define OMEGA_LOADER_ENFORCE_H
#include "loader-state.h"

/* "enforce <id> exec|memfd-exec kill|dry-run [<absolute path>]": SIGKILL (or, dry-run, only
 * report) an exec of a file under the path, or of a memory-backed file; the same id replaces. */
void command_enforce(struct loader *loader, uint32_t request_id, const char *id, const char *kind, const char *mode,
		     const char *path);
/* "unenforce <id>": drops it (nothing to drop is not an error). */
void command_unenforce(struct loader *loader, uint32_t request_id, const char *id);

#endif

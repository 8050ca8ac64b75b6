/* The watched file set (loader-files.c): the `file-watch` and `file-unwatch` commands. */
#ifndef OMEGA_LOADER_FILES_H
#define OMEGA_LOADER_FILES_H
#include "loader-state.h"

/* "file-watch <id> <ops> <path>": watch the inode `path` names now (ops: "open"). */
void command_file_watch(struct loader *loader, uint32_t request_id, const char *id, const char *ops, const char *path);
/* "file-unwatch <id>": stop watching what watch `id` named (nothing to do is not an error). */
void command_file_unwatch(struct loader *loader, uint32_t request_id, const char *id);

#endif

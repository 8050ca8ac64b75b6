/* The loader's stdin commands (loader-commands.c). */
#ifndef OMEGA_LOADER_COMMANDS_H
#define OMEGA_LOADER_COMMANDS_H
#include "loader-state.h"

/* One command line from stdin: "<id> <verb> [args...]", answered by a REPLY frame. */
void run_command(struct loader *loader, char *line);
int set_stealth_rate(struct loader *loader, uint64_t per_second, uint64_t burst, uint64_t session_idle_ms);

#endif

/* The loader's clock and STATS frames (loader-stats.c). */
#ifndef OMEGA_LOADER_STATS_H
#define OMEGA_LOADER_STATS_H
#include "loader-state.h"

int64_t clock_ns(clockid_t id);
void write_stats(const struct loader *loader);

#endif

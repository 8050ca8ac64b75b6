/* Draining the kernel's flow table into FLOW frames (loader-flows.c). */
#ifndef OMEGA_LOADER_FLOWS_H
#define OMEGA_LOADER_FLOWS_H
#include "loader-state.h"

void drain_flows(struct loader *loader);

#endif

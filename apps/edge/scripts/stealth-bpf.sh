#!/usr/bin/env bash
# Compiles omega-edge's XDP stealth filter (bpf/wireguard-stealth.bpf.c) next to the built app:
# apps/edge/dist/wireguard-stealth.bpf.o, which `omega-edge --xdp IFACE` attaches. Needs clang and
# libbpf-dev (the sentinel's eBPF toolchain, already in .ci/run's packages).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist
clang -g -O2 -target bpf -I"/usr/include/$(uname -m)-linux-gnu" \
  -c bpf/wireguard-stealth.bpf.c -o dist/wireguard-stealth.bpf.o

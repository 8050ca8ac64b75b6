//! Crypto-miner detector: miner process names and command lines (stratum URLs), outbound
//! connections to stratum pool ports and DNS queries for mining pools. ATT&CK T1496.
use omega_module_sdk::{class, direction, omega_module, protocol, Event, Module, Severity, Verdict};
use std::collections::HashSet;

/// Executable names of common CPU/GPU miners (lower case).
const MINER_NAMES: &[&str] = &[
    "xmrig", "xmr-stak", "xmr-stak-cpu", "minerd", "cpuminer", "cpuminer-multi", "ccminer", "cgminer",
    "bfgminer", "ethminer", "nbminer", "t-rex", "lolminer", "phoenixminer", "nanominer", "teamredminer",
    "srbminer-multi", "gminer", "xmrminer", "moneroocean",
];

/// Command-line fragments of miners (lower case).
const MINER_ARGS: &[&str] = &["stratum+tcp://", "stratum+ssl://", "stratum+tls://", "stratum2+tcp://", "--donate-level", "--coin=monero", "--algo=rx/0", "-a rx/0", "--randomx"];

/// Ports mining pools serve stratum on.
const STRATUM_PORTS: &[u32] = &[3333, 3334, 3357, 4444, 5555, 5556, 6666, 7777, 9999, 13333, 14433, 14444, 17777, 20580, 45560, 45700];

/// DNS name fragments of mining pools (lower case).
const POOL_NAMES: &[&str] = &[
    "stratum.", "xmrpool", "supportxmr", "minexmr", "nanopool", "moneroocean", "hashvault", "c3pool",
    "2miners", "f2pool", "nicehash", "ethermine", "miningpoolhub", "herominers", "viabtc", "antpool",
    "slushpool", "unmineable", "xmrig.com", "monerohash", "dwarfpool", "kryptex",
];

/// Indicators already reported (a repeat passes silently), bounded so a noisy pod cannot grow it
/// without limit.
const MAX_REPORTED: usize = 4096;

#[derive(Default)]
pub struct CryptoMiner {
    reported: HashSet<String>,
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn who(event: &Event) -> String {
    let w = if event.workload.pod.is_empty() { &event.src.workload } else { &event.workload };
    if w.pod.is_empty() {
        format!("node {}", event.node)
    } else {
        format!("pod {}/{}", w.namespace, w.pod)
    }
}

impl CryptoMiner {
    /// True the first time `key` is seen (so one indicator raises one finding).
    fn first(&mut self, key: String) -> bool {
        if self.reported.len() >= MAX_REPORTED {
            self.reported.clear();
        }
        self.reported.insert(key)
    }

    fn process(&mut self, event: &Event) -> Option<Verdict> {
        let process = event.process?;
        let name = process.name.to_ascii_lowercase();
        let exe = basename(process.executable_path).to_ascii_lowercase();
        let cmd = process.cmd_line.to_ascii_lowercase();
        let named = MINER_NAMES.iter().find(|m| **m == name || **m == exe);
        let arg = MINER_ARGS.iter().find(|a| cmd.contains(**a));
        let indicator = match (named, arg) {
            (Some(n), Some(a)) => format!("process named {n} with {a} in its command line"),
            (Some(n), None) => format!("process named {n}"),
            (None, Some(a)) => format!("{a} in the command line of {}", process.name),
            (None, None) => return None,
        };
        let who = who(event);
        if !self.first(format!("p|{who}|{}|{indicator}", process.executable_path)) {
            return None;
        }
        Some(
            Verdict::pass()
                .label("crypto_miner", "process")
                .finding(
                    Severity::High,
                    format!("Crypto miner started in {who}"),
                    format!("{who} ran {} (pid {}): {indicator}, which is how cryptocurrency miners start.", process.executable_path, process.pid),
                )
                .technique("T1496"),
        )
    }

    fn network(&mut self, event: &Event) -> Option<Verdict> {
        let network = event.network?;
        if network.protocol != protocol::TCP || network.direction == direction::INBOUND {
            return None;
        }
        let port = event.dst.port;
        if !STRATUM_PORTS.contains(&port) {
            return None;
        }
        let who = who(event);
        let dst = format!("{}:{}", event.dst.ip, port);
        if !self.first(format!("n|{who}|{dst}")) {
            return None;
        }
        Some(
            Verdict::pass()
                .label("crypto_miner", "stratum_port")
                .finding(
                    Severity::Medium,
                    format!("Connection to a mining pool port from {who}"),
                    format!("{who} connected to {dst}; port {port} is a stratum mining pool port."),
                )
                .technique("T1496"),
        )
    }

    fn dns(&mut self, event: &Event) -> Option<Verdict> {
        let dns = event.dns?;
        let host = dns.hostname.to_ascii_lowercase();
        let fragment = POOL_NAMES.iter().find(|p| host.contains(**p) || host.starts_with(p.trim_end_matches('.')))?;
        let who = who(event);
        if !self.first(format!("d|{who}|{host}")) {
            return None;
        }
        Some(
            Verdict::pass()
                .label("crypto_miner", "pool_dns")
                .finding(
                    Severity::High,
                    format!("DNS query for a mining pool from {who}"),
                    format!("{who} looked up {}, which names a mining pool ({fragment}).", dns.hostname),
                )
                .technique("T1496"),
        )
    }
}

impl Module for CryptoMiner {
    fn on_event(&mut self, event: &Event) -> Verdict {
        let verdict = match event.class_uid {
            class::PROCESS_ACTIVITY => self.process(event),
            class::NETWORK_ACTIVITY => self.network(event),
            class::DNS_ACTIVITY => self.dns(event),
            _ => None,
        };
        verdict.unwrap_or_default()
    }
}

omega_module!(CryptoMiner);

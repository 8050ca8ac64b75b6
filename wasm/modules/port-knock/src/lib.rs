//! Port knocking: from one source to one destination, unanswered attempts on MIN_KNOCKS or more
//! distinct ports (no more than MAX_KNOCKS, beyond that it is a scan) followed within WINDOW_NS by a
//! completed TCP connection on a port that was not knocked. ATT&CK T1205.001.
use omega_module_sdk::{class, omega_module, protocol, Event, Module, Network, Severity, Verdict};
use std::collections::HashMap;

const WINDOW_NS: u64 = 15 * 1_000_000_000;
const MIN_KNOCKS: usize = 3;
const MAX_KNOCKS: usize = 8;
const MAX_PAIRS: usize = 16384;
const SYN: u32 = 0x02;
const RST: u32 = 0x04;
const ACK: u32 = 0x10;
/// NetworkActivityId RESET, FAIL, REFUSE.
const UNANSWERED_ACTIVITIES: [u32; 3] = [3, 4, 5];

#[derive(Default)]
struct Knocks {
    /// (port, time) of unanswered attempts, oldest first.
    ports: Vec<(u32, u64)>,
    /// More distinct ports than a knock sequence has: a scan, not a knock.
    scanning: bool,
}

#[derive(Default)]
pub struct PortKnock {
    pairs: HashMap<String, Knocks>,
}

/// An attempt the destination did not accept: a SYN with no ACK back, a reset or refusal, or UDP
/// with no reply.
fn unanswered(network: &Network) -> bool {
    if UNANSWERED_ACTIVITIES.contains(&network.activity_id) {
        return true;
    }
    match network.protocol {
        protocol::TCP => network.tcp_flags & SYN != 0 && (network.tcp_flags & ACK == 0 || network.tcp_flags & RST != 0),
        protocol::UDP => network.bytes_in == 0,
        _ => false,
    }
}

fn connected(network: &Network) -> bool {
    network.protocol == protocol::TCP && network.tcp_flags & ACK != 0 && network.tcp_flags & RST == 0
}

impl Module for PortKnock {
    fn on_event(&mut self, event: &Event) -> Verdict {
        if event.class_uid != class::NETWORK_ACTIVITY || event.src.ip.is_empty() {
            return Verdict::pass();
        }
        let Some(network) = event.network else { return Verdict::pass() };
        let key = format!("{}>{}", event.src.ip, event.dst.ip);
        let now = event.time_ns;
        if unanswered(&network) {
            if !self.pairs.contains_key(&key) && self.pairs.len() >= MAX_PAIRS {
                self.pairs.clear();
            }
            let knocks = self.pairs.entry(key).or_default();
            knocks.ports.retain(|&(_, at)| now.saturating_sub(at) <= WINDOW_NS);
            if knocks.ports.is_empty() {
                knocks.scanning = false;
            }
            if !knocks.ports.iter().any(|&(port, _)| port == event.dst.port) {
                knocks.ports.push((event.dst.port, now));
            }
            if knocks.ports.len() > MAX_KNOCKS {
                knocks.scanning = true;
                knocks.ports.drain(..knocks.ports.len() - MAX_KNOCKS);
            }
            return Verdict::pass();
        }
        if !connected(&network) {
            return Verdict::pass();
        }
        let Some(knocks) = self.pairs.get_mut(&key) else { return Verdict::pass() };
        knocks.ports.retain(|&(_, at)| now.saturating_sub(at) <= WINDOW_NS);
        let opened = event.dst.port;
        if knocks.scanning || knocks.ports.len() < MIN_KNOCKS || knocks.ports.iter().any(|&(p, _)| p == opened) {
            return Verdict::pass();
        }
        let sequence: Vec<String> = knocks.ports.iter().map(|(p, _)| p.to_string()).collect();
        let sequence = sequence.join(", ");
        self.pairs.remove(&key);
        Verdict::pass()
            .label("port_knock", "opened")
            .finding(
                Severity::High,
                format!("Port knocking from {} opened port {opened} on {}", event.src.ip, event.dst.ip),
                format!(
                    "{} tried ports {sequence} on {} without an answer, then connected to port {opened} within {} s: a port-knocking sequence opening a hidden service.",
                    event.src.ip,
                    event.dst.ip,
                    WINDOW_NS / 1_000_000_000
                ),
            )
            .technique("T1205.001")
            .block(format!("{}/{}", event.src.ip, if event.src.ip.contains(':') { 128 } else { 32 }))
    }
}

omega_module!(PortKnock);

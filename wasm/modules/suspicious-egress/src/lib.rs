//! Suspicious egress: a pod that did not talk to any external address during its first
//! LEARNING_NS of traffic, and later does, is reported once per new external destination.
//! ATT&CK T1041 (exfiltration over a C2 channel) / T1071 (application layer protocol).
use omega_module_sdk::{class, direction, omega_module, Event, Module, Severity, Verdict};
use std::collections::{HashMap, HashSet};

/// How long (by event time) a pod is watched before its silence counts: 5 minutes.
const LEARNING_NS: u64 = 300 * 1_000_000_000;
/// Pods remembered; past it the oldest knowledge is dropped (learning starts again).
const MAX_PODS: usize = 8192;
/// New destinations reported per pod before the module only labels.
const MAX_REPORTS_PER_POD: usize = 16;

struct Pod {
    first_seen_ns: u64,
    talks_out: bool,
    reported: HashSet<String>,
}

#[derive(Default)]
pub struct SuspiciousEgress {
    pods: HashMap<String, Pod>,
}

/// True for addresses outside private, loopback, link-local and shared (CGNAT) ranges.
pub fn is_external(ip: &str) -> bool {
    if let Some(v4) = parse_ipv4(ip) {
        let [a, b, _, _] = v4;
        return !(a == 10
            || a == 127
            || a == 0
            || (a == 172 && (16..=31).contains(&b))
            || (a == 192 && b == 168)
            || (a == 169 && b == 254)
            || (a == 100 && (64..=127).contains(&b))
            || a >= 224);
    }
    let lower = ip.to_ascii_lowercase();
    if lower.is_empty() || lower == "::1" || lower == "::" {
        return false;
    }
    !(lower.starts_with("fc") || lower.starts_with("fd") || lower.starts_with("fe8") || lower.starts_with("fe9")
        || lower.starts_with("fea") || lower.starts_with("feb") || lower.starts_with("ff"))
}

fn parse_ipv4(ip: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = ip.split('.');
    for slot in out.iter_mut() {
        *slot = parts.next()?.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

impl Module for SuspiciousEgress {
    fn on_event(&mut self, event: &Event) -> Verdict {
        if event.class_uid != class::NETWORK_ACTIVITY {
            return Verdict::pass();
        }
        let Some(network) = event.network else { return Verdict::pass() };
        let w = if event.workload.pod.is_empty() { event.src.workload } else { event.workload };
        if w.pod.is_empty() || network.direction == direction::INBOUND {
            return Verdict::pass();
        }
        let key = format!("{}/{}", w.namespace, w.pod);
        if !self.pods.contains_key(&key) && self.pods.len() >= MAX_PODS {
            self.pods.clear();
        }
        let pod = self.pods.entry(key.clone()).or_insert_with(|| Pod {
            first_seen_ns: event.time_ns,
            talks_out: false,
            reported: HashSet::new(),
        });
        let external = network.direction == direction::OUTBOUND && is_external(event.dst.ip)
            || network.direction != direction::LATERAL && is_external(event.dst.ip);
        if !external {
            return Verdict::pass();
        }
        let learning = event.time_ns.saturating_sub(pod.first_seen_ns) < LEARNING_NS;
        if learning || pod.talks_out {
            pod.talks_out = true;
            return Verdict::pass();
        }
        let dst = if event.dst.hostname.is_empty() {
            format!("{}:{}", event.dst.ip, event.dst.port)
        } else {
            format!("{} ({}:{})", event.dst.hostname, event.dst.ip, event.dst.port)
        };
        if pod.reported.contains(&dst) || pod.reported.len() >= MAX_REPORTS_PER_POD {
            return Verdict::pass().label("egress", "new_external");
        }
        pod.reported.insert(dst.clone());
        let quiet_s = (event.time_ns - pod.first_seen_ns) / 1_000_000_000;
        Verdict::pass()
            .label("egress", "new_external")
            .finding(
                Severity::Medium,
                format!("New external destination from pod {key}"),
                format!("Pod {key} made no external connection in its first {quiet_s} s of traffic and now connects to {dst}."),
            )
            .technique("T1041")
    }
}

omega_module!(SuspiciousEgress);

#[cfg(test)]
mod tests {
    use super::is_external;

    #[test]
    fn private_loopback_and_link_local_addresses_are_internal() {
        for ip in ["10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1", "169.254.1.1", "100.64.0.1", "::1", "fd00::1", "fe80::1"] {
            assert!(!is_external(ip), "{ip}");
        }
        for ip in ["8.8.8.8", "172.32.0.1", "203.0.113.9", "2001:db8::1", "100.128.0.1"] {
            assert!(is_external(ip), "{ip}");
        }
    }
}

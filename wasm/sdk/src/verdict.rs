//! What a module decides about one event, encoded as `omega.v1.ModuleVerdict`
//! (proto/omega/v1/sentinel.proto) for the host.
use crate::wire::{put_bytes, put_key, put_varint, VARINT};

/// `omega.v1.Severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Severity {
    Informational = 1,
    Low = 2,
    Medium = 3,
    High = 4,
    Critical = 5,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    pub attack_technique_ids: Vec<String>,
}

/// Pass (the default), or any of: labels for the event, a finding, a request to block an address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    pub labels: Vec<(String, String)>,
    pub finding: Option<Finding>,
    pub block_cidr: Option<String>,
}

impl Verdict {
    /// Nothing to say about the event.
    pub fn pass() -> Self {
        Verdict::default()
    }

    pub fn is_pass(&self) -> bool {
        self.labels.is_empty() && self.finding.is_none() && self.block_cidr.is_none()
    }

    /// Adds a label the sentinel publishes with the event (as `module.<module>.<key>`).
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.push((key.into(), value.into()));
        self
    }

    /// Raises a finding: the sentinel publishes it for intelligence to turn into an alert.
    pub fn finding(mut self, severity: Severity, title: impl Into<String>, explanation: impl Into<String>) -> Self {
        self.finding = Some(Finding {
            severity,
            title: title.into(),
            explanation: explanation.into(),
            attack_technique_ids: Vec::new(),
        });
        self
    }

    /// Adds a MITRE ATT&CK technique id (e.g. "T1496") to the finding.
    pub fn technique(mut self, id: impl Into<String>) -> Self {
        if let Some(finding) = self.finding.as_mut() {
            finding.attack_technique_ids.push(id.into());
        }
        self
    }

    /// Asks for the address or CIDR to be blocked; a request, decided outside the module.
    pub fn block(mut self, cidr: impl Into<String>) -> Self {
        self.block_cidr = Some(cidr.into());
        self
    }

    /// The `omega.v1.ModuleVerdict` encoding, appended to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let mut entry = Vec::new();
        for (key, value) in &self.labels {
            entry.clear();
            put_bytes(&mut entry, 1, key.as_bytes());
            put_bytes(&mut entry, 2, value.as_bytes());
            put_bytes(out, 1, &entry);
        }
        if let Some(finding) = &self.finding {
            let mut f = Vec::new();
            put_key(&mut f, 1, VARINT);
            put_varint(&mut f, finding.severity as u64);
            put_bytes(&mut f, 2, finding.title.as_bytes());
            put_bytes(&mut f, 3, finding.explanation.as_bytes());
            for id in &finding.attack_technique_ids {
                put_bytes(&mut f, 4, id.as_bytes());
            }
            put_bytes(out, 2, &f);
        }
        if let Some(cidr) = &self.block_cidr {
            put_bytes(out, 3, cidr.as_bytes());
        }
    }
}

//! A read-only view of `omega.v1.Event` (proto/omega/v1/common.proto), borrowed from the bytes the
//! host passed in: the fields detection modules use, every other field skipped.
use crate::wire::{DecodeError, Reader, FIXED64, LEN, VARINT};

/// OCSF class ids (`omega.v1.EventClass`).
pub mod class {
    pub const PROCESS_ACTIVITY: u32 = 1007;
    pub const FILE_ACTIVITY: u32 = 1001;
    pub const NETWORK_ACTIVITY: u32 = 4001;
    pub const DNS_ACTIVITY: u32 = 4003;
}

/// `omega.v1.NetworkDirection`.
pub mod direction {
    pub const INBOUND: u32 = 1;
    pub const OUTBOUND: u32 = 2;
    pub const LATERAL: u32 = 3;
}

/// `omega.v1.IpProtocol`.
pub mod protocol {
    pub const TCP: u32 = 6;
    pub const UDP: u32 = 17;
}

/// The pod an event happened in (`omega.v1.Workload`).
#[derive(Debug, Default, Clone, Copy)]
pub struct Workload<'a> {
    pub namespace: &'a str,
    pub pod: &'a str,
    pub container: &'a str,
    pub image: &'a str,
}

/// `omega.v1.NetworkEndpoint`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Endpoint<'a> {
    pub ip: &'a str,
    pub port: u32,
    pub hostname: &'a str,
    pub workload: Workload<'a>,
}

/// `omega.v1.Process` (without parent and user).
#[derive(Debug, Default, Clone, Copy)]
pub struct Process<'a> {
    pub pid: u32,
    pub name: &'a str,
    pub executable_path: &'a str,
    pub cmd_line: &'a str,
}

/// `omega.v1.NetworkActivity` with its traffic counters.
#[derive(Debug, Default, Clone, Copy)]
pub struct Network {
    pub activity_id: u32,
    pub protocol: u32,
    pub direction: u32,
    pub tcp_flags: u32,
    pub bytes_out: u64,
    pub bytes_in: u64,
}

/// `omega.v1.DnsActivity`: the query and the response code.
#[derive(Debug, Default, Clone, Copy)]
pub struct Dns<'a> {
    pub activity_id: u32,
    pub hostname: &'a str,
    pub query_type: &'a str,
    pub rcode: u32,
}

/// One event as the sentinel publishes it.
#[derive(Debug, Default, Clone, Copy)]
pub struct Event<'a> {
    pub id: &'a str,
    pub time_ns: u64,
    pub class_uid: u32,
    pub severity: u32,
    pub message: &'a str,
    pub node: &'a str,
    pub src: Endpoint<'a>,
    pub dst: Endpoint<'a>,
    pub workload: Workload<'a>,
    /// The process of a Process Activity event, else the actor's process when there is one.
    pub process: Option<Process<'a>>,
    pub network: Option<Network>,
    pub dns: Option<Dns<'a>>,
}

impl<'a> Event<'a> {
    /// Reads an encoded `omega.v1.Event`.
    pub fn decode(bytes: &'a [u8]) -> Result<Event<'a>, DecodeError> {
        let mut event = Event::default();
        let mut r = Reader::new(bytes);
        while !r.done() {
            match r.key()? {
                (1, LEN) => event.id = r.string()?,
                (2, FIXED64) => event.time_ns = r.fixed64()?,
                (3, VARINT) => event.class_uid = r.varint()? as u32,
                (4, VARINT) => event.severity = r.varint()? as u32,
                (5, LEN) => event.message = r.string()?,
                (6, LEN) => {
                    if event.process.is_none() {
                        event.process = actor_process(r.bytes()?)?;
                    } else {
                        r.bytes()?;
                    }
                }
                (7, LEN) => event.src = endpoint(r.bytes()?)?,
                (8, LEN) => event.dst = endpoint(r.bytes()?)?,
                (9, LEN) => event.node = r.string()?,
                (10, LEN) => event.workload = workload(r.bytes()?)?,
                (16, LEN) => event.process = process_activity(r.bytes()?)?,
                (17, LEN) => event.network = Some(network(r.bytes()?)?),
                (18, LEN) => event.dns = Some(dns(r.bytes()?)?),
                (_, wire) => r.skip(wire)?,
            }
        }
        Ok(event)
    }
}

fn workload(bytes: &[u8]) -> Result<Workload<'_>, DecodeError> {
    let mut w = Workload::default();
    let mut r = Reader::new(bytes);
    while !r.done() {
        match r.key()? {
            (1, LEN) => w.namespace = r.string()?,
            (2, LEN) => w.pod = r.string()?,
            (4, LEN) => w.container = r.string()?,
            (6, LEN) => w.image = r.string()?,
            (_, wire) => r.skip(wire)?,
        }
    }
    Ok(w)
}

fn endpoint(bytes: &[u8]) -> Result<Endpoint<'_>, DecodeError> {
    let mut e = Endpoint::default();
    let mut r = Reader::new(bytes);
    while !r.done() {
        match r.key()? {
            (1, LEN) => e.ip = r.string()?,
            (2, VARINT) => e.port = r.varint()? as u32,
            (3, LEN) => e.hostname = r.string()?,
            (5, LEN) => e.workload = workload(r.bytes()?)?,
            (_, wire) => r.skip(wire)?,
        }
    }
    Ok(e)
}

fn process(bytes: &[u8]) -> Result<Process<'_>, DecodeError> {
    let mut p = Process::default();
    let mut r = Reader::new(bytes);
    while !r.done() {
        match r.key()? {
            (1, VARINT) => p.pid = r.varint()? as u32,
            (3, LEN) => p.name = r.string()?,
            (4, LEN) => p.executable_path = r.string()?,
            (6, LEN) => p.cmd_line = r.string()?,
            (_, wire) => r.skip(wire)?,
        }
    }
    Ok(p)
}

fn actor_process(bytes: &[u8]) -> Result<Option<Process<'_>>, DecodeError> {
    let mut found = None;
    let mut r = Reader::new(bytes);
    while !r.done() {
        match r.key()? {
            (1, LEN) => found = Some(process(r.bytes()?)?),
            (_, wire) => r.skip(wire)?,
        }
    }
    Ok(found)
}

fn process_activity(bytes: &[u8]) -> Result<Option<Process<'_>>, DecodeError> {
    let mut found = None;
    let mut r = Reader::new(bytes);
    while !r.done() {
        match r.key()? {
            (2, LEN) => found = Some(process(r.bytes()?)?),
            (_, wire) => r.skip(wire)?,
        }
    }
    Ok(found)
}

fn network(bytes: &[u8]) -> Result<Network, DecodeError> {
    let mut n = Network::default();
    let mut r = Reader::new(bytes);
    while !r.done() {
        match r.key()? {
            (1, VARINT) => n.activity_id = r.varint()? as u32,
            (2, VARINT) => n.protocol = r.varint()? as u32,
            (3, VARINT) => n.direction = r.varint()? as u32,
            (4, LEN) => {
                let mut t = Reader::new(r.bytes()?);
                while !t.done() {
                    match t.key()? {
                        (1, VARINT) => n.bytes_out = t.varint()?,
                        (2, VARINT) => n.bytes_in = t.varint()?,
                        (_, wire) => t.skip(wire)?,
                    }
                }
            }
            (6, VARINT) => n.tcp_flags = r.varint()? as u32,
            (_, wire) => r.skip(wire)?,
        }
    }
    Ok(n)
}

fn dns(bytes: &[u8]) -> Result<Dns<'_>, DecodeError> {
    let mut d = Dns::default();
    let mut r = Reader::new(bytes);
    while !r.done() {
        match r.key()? {
            (1, VARINT) => d.activity_id = r.varint()? as u32,
            (2, LEN) => {
                let mut q = Reader::new(r.bytes()?);
                while !q.done() {
                    match q.key()? {
                        (1, LEN) => d.hostname = q.string()?,
                        (2, LEN) => d.query_type = q.string()?,
                        (_, wire) => q.skip(wire)?,
                    }
                }
            }
            (4, VARINT) => d.rcode = r.varint()? as u32,
            (_, wire) => r.skip(wire)?,
        }
    }
    Ok(d)
}

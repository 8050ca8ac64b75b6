//! The SDK against bytes another implementation wrote: events encoded by ts-proto (the encoder the
//! sentinel's events are checked against), and a verdict read back field by field.
use omega_module_sdk::{class, direction, protocol, Event, Severity, Verdict};

fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

// Event.encode of a flow with endpoints, workload, unmapped and traffic counters (ts-proto 2.18).
const FLOW: &str = "0a026531112a0000000000000018a11f20013a0e0a0831302e312e302e3710c0b802421e0a0b3230332e302e3131332e3910851a1a0c706f6f6c2e6578616d706c654a066e6f64652d61520d0a0473686f7012057765622d318a0110080610061802220608840710b009301af201120a0d6270662e6367726f75705f6964120137";
const PROCESS: &str = "0a02703118ef07820126080112220892211a05786d726967220a2f746d702f786d726967320a786d726967202d6f2078";
const DNS: &str = "0a02643118a31f920116080112100a09612e6578616d706c6512035458542003";

#[test]
fn reads_a_flow_event_written_by_ts_proto() {
    let bytes = hex(FLOW);
    let e = Event::decode(&bytes).unwrap();
    assert_eq!((e.id, e.time_ns, e.class_uid, e.severity, e.node), ("e1", 42, class::NETWORK_ACTIVITY, 1, "node-a"));
    assert_eq!((e.src.ip, e.src.port), ("10.1.0.7", 40000));
    assert_eq!((e.dst.ip, e.dst.port, e.dst.hostname), ("203.0.113.9", 3333, "pool.example"));
    assert_eq!((e.workload.namespace, e.workload.pod), ("shop", "web-1"));
    let n = e.network.unwrap();
    assert_eq!((n.activity_id, n.protocol, n.direction, n.tcp_flags), (6, protocol::TCP, direction::OUTBOUND, 0x1a));
    assert_eq!((n.bytes_out, n.bytes_in), (900, 1200));
    assert!(e.process.is_none() && e.dns.is_none());
}

#[test]
fn reads_process_and_dns_events_written_by_ts_proto() {
    let bytes = hex(PROCESS);
    let p = Event::decode(&bytes).unwrap().process.unwrap();
    assert_eq!((p.pid, p.name, p.executable_path, p.cmd_line), (4242, "xmrig", "/tmp/xmrig", "xmrig -o x"));
    let bytes = hex(DNS);
    let d = Event::decode(&bytes).unwrap().dns.unwrap();
    assert_eq!((d.activity_id, d.hostname, d.query_type, d.rcode), (1, "a.example", "TXT", 3));
}

#[test]
fn refuses_truncated_events_naming_the_offset() {
    let bytes = hex(FLOW);
    let err = Event::decode(&bytes[..20]).unwrap_err();
    assert_eq!(err.offset, 19);
    assert_eq!(err.reason, "length-delimited field runs past the end");
}

#[test]
fn encodes_a_verdict_as_protobuf() {
    let mut out = Vec::new();
    Verdict::pass().label("k", "v").finding(Severity::High, "t", "x").technique("T1").block("1.2.3.4/32").encode(&mut out);
    // labels entry {1:"k",2:"v"}, finding {1:4, 2:"t", 3:"x", 4:"T1"}, block_cidr "1.2.3.4/32"
    let mut want = vec![0x0a, 0x06, 0x0a, 0x01, b'k', 0x12, 0x01, b'v'];
    want.extend([0x12, 0x0c, 0x08, 0x04, 0x12, 0x01, b't', 0x1a, 0x01, b'x', 0x22, 0x02, b'T', b'1']);
    want.extend([0x1a, 0x0a]);
    want.extend(b"1.2.3.4/32");
    assert_eq!(out, want);
    assert!(Verdict::pass().is_pass());
}

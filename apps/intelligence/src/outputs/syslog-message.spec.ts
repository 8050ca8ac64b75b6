// The syslog output against a real rsyslog (Debian's rsyslogd, started with its own config on free
// loopback ports): alerts from ALERTS sent as RFC 5424 over UDP and over TCP (octet-counted) are
// parsed by rsyslog into the expected PRI, header fields, structured data and message.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus } from '@omega/bus';
import { Severity } from '@omega/proto';
import { eventually, startRsyslog, withNats, type Rsyslog } from '@omega/testkit';
import {
  alertsBus,
  metricValue,
  publishAlerts,
  sampleAlert,
  startOutputs,
} from '../testing/output-alerts';
import { MAX_SYSLOG_MESSAGE_BYTES, syslogMessage } from './syslog-message';

const nats = withNats({ jetstream: true });
let bus: Bus;
let rsyslog: Rsyslog;
beforeAll(async () => {
  bus = await alertsBus(nats.url, 'syslog-output-spec');
  rsyslog = await startRsyslog({ tls: true });
}, 60_000);
nats.beforeStop(async () => {
  await rsyslog?.stop();
  await bus?.drain();
});

const EXPECTED_SD =
  '[omega@32473 id="01938a5e-7c1f-7a3b-9c2d-4e5f60718293" severity="high"' +
  ' rule_id="sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02" rule="Reverse shell via bash /dev/tcp"' +
  ' detector="rule" status="new" confidence="90" count="2" time_ns="1796681913123456789"' +
  ' node="node-a" incident_id="inc-01938a5e" attack_techniques="T1059.004,T1071"' +
  ' attack_tactics="TA0002,TA0011" evidence="evt-1" audit_log_index="41"' +
  ` audit_leaf_hash="${'ab'.repeat(32)}" actor="pod:shop/cart-7f9c" entity="namespace:shop"` +
  ' actor="container:containerd://4f1c2a" entity="container_image:registry.example/shop/cart@sha256:ab12"' +
  ' actor="process:node-a:4242:1700000000" entity="ip_address:203.0.113.9" entity="node:node-a"' +
  ' reason="bash redirected stdio to a TCP socket" label.team="payments"]';

it('sends alerts as RFC 5424 messages that rsyslog parses, over UDP and TCP', async () => {
  const { outputs, registry } = await startOutputs(bus, [
    {
      name: 'syslog-udp',
      type: 'syslog',
      host: '127.0.0.1',
      port: rsyslog.udpPort,
      protocol: 'udp',
    },
    {
      name: 'syslog-tcp',
      type: 'syslog',
      host: '127.0.0.1',
      port: rsyslog.tcpPort,
      protocol: 'tcp',
    },
  ]);
  const quoted = sampleAlert({
    id: '01938a5e-0000-7000-8000-0000000000e1',
    severity: Severity.SEVERITY_CRITICAL,
    title: 'Decoy "db-0" touched ]',
    explanation: 'héllo \\ wörld',
    entities: [],
    evidence: [],
    reasons: [],
    labels: {},
  });
  delete (quoted as { audit?: unknown }).audit;
  await publishAlerts(bus, [sampleAlert(), quoted]);
  const messages = await eventually('four messages in rsyslog', async () => {
    const read = await rsyslog.messages();
    return read.length >= 4 ? read : undefined;
  });
  await outputs.stop();
  for (const name of ['syslog-udp', 'syslog-tcp']) {
    expect(
      await metricValue(registry, 'omega_intelligence_output_sent_total', { output: name }),
    ).toBe(2);
  }
  const byInput = (input: string): typeof messages => messages.filter((m) => m.input === input);
  expect(byInput('imudp')).toHaveLength(2);
  expect(byInput('imtcp')).toHaveLength(2);
  for (const input of ['imudp', 'imtcp']) {
    const [full, second] = byInput(input);
    expect(full).toEqual({
      // facility 4 (auth) × 8 + severity 3 (error, for high)
      pri: 35,
      timestamp: '2026-12-07T22:18:33.123456Z',
      hostname: hostname(),
      appName: 'omega-intelligence',
      procId: String(process.pid),
      msgId: 'alert',
      structuredData: EXPECTED_SD,
      msg: '\uFEFFReverse shell from shop/cart-7f9c to 203.0.113.9: bash in shop/cart-7f9c opened /dev/tcp/203.0.113.9/4444 and duplicated the socket onto stdin and stdout.',
      input,
    });
    expect(second).toMatchObject({
      // critical → syslog severity 2
      pri: 34,
      structuredData: expect.stringContaining(
        '[omega@32473 id="01938a5e-0000-7000-8000-0000000000e1"',
      ),
      msg: '\uFEFFDecoy "db-0" touched ]: héllo \\ wörld',
    });
  }
});

it('sends over TLS to rsyslog, verifying its certificate against the configured CA', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'omega-syslog-ca-'));
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, rsyslog.tlsCaPem);
  const before = (await rsyslog.messages()).length;
  const { outputs, registry } = await startOutputs(bus, [
    {
      name: 'syslog-tls',
      type: 'syslog',
      host: '127.0.0.1',
      port: rsyslog.tlsPort,
      protocol: 'tls',
      caFile,
    },
    // The same listener without the CA: the certificate is not trusted, nothing is sent.
    {
      name: 'syslog-untrusted',
      type: 'syslog',
      host: '127.0.0.1',
      port: rsyslog.tlsPort,
      protocol: 'tls',
      maxAttempts: 2,
      initialBackoffMs: 1,
      maxBackoffMs: 2,
    },
  ]);
  await publishAlerts(bus, [sampleAlert({ id: '01938a5e-0000-7000-8000-0000000000f1' })]);
  const received = await eventually('the TLS message', async () => {
    const read = (await rsyslog.messages()).slice(before);
    return read.length >= 1 ? read : undefined;
  });
  await eventually('the untrusted output gave up', async () =>
    (await metricValue(registry, 'omega_intelligence_output_dropped_total', {
      output: 'syslog-untrusted',
      reason: 'retries_exhausted',
    })) === 1
      ? true
      : undefined,
  );
  await outputs.stop();
  await rm(dir, { recursive: true });
  expect(received).toHaveLength(1);
  expect(received[0]!.structuredData).toContain('id="01938a5e-0000-7000-8000-0000000000f1"');
  expect(
    await metricValue(registry, 'omega_intelligence_output_sent_total', { output: 'syslog-tls' }),
  ).toBe(1);
  expect(
    await metricValue(registry, 'omega_intelligence_output_sent_total', {
      output: 'syslog-untrusted',
    }),
  ).toBe(0);
});

it('keeps a message within the size bound, cutting the explanation', () => {
  const long = sampleAlert({ explanation: 'é'.repeat(10_000) });
  const message = syslogMessage(long, { facility: 4, hostname: 'h', appName: 'a', procId: '1' });
  expect(message.length).toBeLessThanOrEqual(MAX_SYSLOG_MESSAGE_BYTES);
  expect(message.toString('utf8')).toContain(
    '[omega@32473 id="01938a5e-7c1f-7a3b-9c2d-4e5f60718293"',
  );
  expect(message.toString('utf8')).not.toContain('\uFFFD');
});

// The falcosidekick output end to end (ALERTS on a real nats-server → HTTP POST), checked field by
// field against falcosidekick's published input type, types.FalcoPayload, as transcribed with its
// source commit in testing/falcosidekick-payload.fixture.json (falcosidekick itself cannot run here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bus } from '@omega/bus';
import { Severity } from '@omega/proto';
import { eventually, withNats } from '@omega/testkit';
import { startHttpReceiver, type HttpReceiver } from '../testing/http-receiver';
import { alertsBus, publishAlerts, sampleAlert, startOutputs } from '../testing/output-alerts';

interface FixtureField {
  go: string;
  goType: string;
  json: string;
  omitempty: boolean;
}
const fixture = JSON.parse(
  readFileSync(join(__dirname, '..', 'testing', 'falcosidekick-payload.fixture.json'), 'utf8'),
) as { fields: FixtureField[]; priorityNames: string[]; stringOutputFields: string[] };

/** Whether Go's encoding/json would decode `value` into a field of `goType` without error. */
function decodesAs(goType: string, value: unknown): boolean {
  switch (goType) {
    case 'string':
      return typeof value === 'string';
    case 'PriorityType':
      return typeof value === 'string';
    case 'time.Time':
      // time.Time.UnmarshalJSON: an RFC 3339 string.
      return (
        typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(value)
      );
    case 'map[string]interface{}':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case '[]string':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    default:
      throw new Error(`fixture names Go type ${goType} this spec does not know`);
  }
}

const nats = withNats({ jetstream: true });
let bus: Bus;
let receiver: HttpReceiver;
beforeAll(async () => {
  bus = await alertsBus(nats.url, 'falcosidekick-output-spec');
  receiver = await startHttpReceiver();
});
nats.beforeStop(async () => {
  await receiver.close();
  await bus.drain();
});

it('POSTs each alert as a FalcoPayload that falcosidekick accepts, every Omega field mapped', async () => {
  const { outputs } = await startOutputs(bus, [
    { name: 'sidekick', type: 'falcosidekick', url: `${receiver.url}/` },
  ]);
  const unknown = sampleAlert({
    id: '01938a5e-0000-7000-8000-0000000000a1',
    severity: Severity.SEVERITY_FATAL,
    node: '',
    entities: [],
    attackTechniqueIds: [],
    attackTacticIds: [],
  });
  await publishAlerts(bus, [sampleAlert(), unknown]);
  await eventually('two POSTs', () => (receiver.requests.length >= 2 ? true : undefined));
  await outputs.stop();

  const bodies = receiver.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
  expect(receiver.requests.map((r) => [r.method, r.path, r.headers['content-type']])).toEqual([
    ['POST', '/', 'application/json'],
    ['POST', '/', 'application/json'],
  ]);
  for (const body of bodies) {
    // Only FalcoPayload's fields; every one without omitempty present; each decodable as its Go type.
    const known = new Map(fixture.fields.map((f) => [f.json, f]));
    expect(Object.keys(body).filter((k) => !known.has(k))).toEqual([]);
    expect(
      fixture.fields.filter((f) => !f.omitempty && !(f.json in body)).map((f) => f.json),
    ).toEqual([]);
    for (const [key, value] of Object.entries(body)) {
      expect([key, decodesAs(known.get(key)!.goType, value)]).toEqual([key, true]);
    }
    // FalcoPayload.Check: a known priority, a rule, a time, output fields.
    expect(fixture.priorityNames).toContain(String(body['priority']).toLowerCase());
    expect(body['rule']).not.toBe('');
    expect(Object.keys(body['output_fields'] as object).length).toBeGreaterThan(0);
    const fields = body['output_fields'] as Record<string, unknown>;
    for (const name of fixture.stringOutputFields) {
      if (name in fields) expect([name, typeof fields[name]]).toEqual([name, 'string']);
    }
  }
  expect(bodies[0]).toEqual({
    uuid: '01938a5e-7c1f-7a3b-9c2d-4e5f60718293',
    output:
      'bash in shop/cart-7f9c opened /dev/tcp/203.0.113.9/4444 and duplicated the socket onto stdin and stdout.',
    priority: 'Error',
    rule: 'Reverse shell via bash /dev/tcp',
    time: '2026-12-07T22:18:33.123456789Z',
    source: 'omega',
    tags: ['T1059.004', 'T1071', 'TA0002', 'TA0011'],
    hostname: 'node-a',
    output_fields: {
      'omega.alert.id': '01938a5e-7c1f-7a3b-9c2d-4e5f60718293',
      'omega.title': 'Reverse shell from shop/cart-7f9c to 203.0.113.9',
      'omega.rule.id': 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02',
      'omega.rule.name': 'Reverse shell via bash /dev/tcp',
      'omega.detector': 'rule',
      'omega.severity': 'high',
      'omega.confidence': 90,
      'omega.status': 'new',
      'omega.count': 2,
      'omega.time_ns': '1796681913123456789',
      'omega.attack.techniques': 'T1059.004,T1071',
      'omega.attack.tactics': 'TA0002,TA0011',
      'omega.incident.id': 'inc-01938a5e',
      'omega.node': 'node-a',
      'omega.evidence.event_ids': 'evt-1',
      'omega.reasons': 'bash redirected stdio to a TCP socket',
      'omega.actors':
        'pod:shop/cart-7f9c,container:containerd://4f1c2a,process:node-a:4242:1700000000',
      'omega.observed.start': '2026-12-07T22:18:31.123456789Z',
      'omega.observed.end': '2026-12-07T22:18:33.123456789Z',
      'omega.audit.log_index': '41',
      'omega.audit.leaf_hash': 'ab'.repeat(32),
      'omega.audit.checkpoint_size': '42',
      'omega.entity.pod': 'shop/cart-7f9c',
      'omega.entity.namespace': 'shop',
      'omega.entity.container': 'containerd://4f1c2a',
      'omega.entity.container_image': 'registry.example/shop/cart@sha256:ab12',
      'omega.entity.process': 'node-a:4242:1700000000',
      'omega.entity.ip_address': '203.0.113.9',
      'omega.entity.node': 'node-a',
      'omega.label.team': 'payments',
      'k8s.ns.name': 'shop',
      'k8s.pod.name': 'cart-7f9c',
      'container.id': 'containerd://4f1c2a',
      'container.image': 'registry.example/shop/cart@sha256:ab12',
      'proc.name': 'bash',
    },
  });
  // Omitted when empty (omitempty fields), and the highest severity is Falco's highest priority.
  expect(bodies[1]).toMatchObject({ priority: 'Emergency', tags: [] });
  expect('hostname' in bodies[1]!).toBe(false);
});

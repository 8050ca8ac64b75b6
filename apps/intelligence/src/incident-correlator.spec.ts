// Incident correlation by entity and quiet gap, worked by hand.
import { EntityKind, type Entity } from '@omega/proto';
import { IncidentCorrelator, correlationKeysOf, incidentIdOf } from './incident-correlator';

const S = 1_000_000_000n;

describe('IncidentCorrelator', () => {
  it('keeps alerts on one entity in one incident until a gap longer than gapMs', () => {
    const c = new IncidentCorrelator({ gapMs: 60_000 });
    const first = c.assign('pod:shop/a', 'alert-1', 100n * S);
    expect(first).toBe(incidentIdOf('pod:shop/a', 'alert-1'));
    expect(c.assign('pod:shop/a', 'alert-2', 150n * S)).toBe(first);
    // 60 s after the last alert (150 s) is still within the gap.
    expect(c.assign('pod:shop/a', 'alert-3', 210n * S)).toBe(first);
    // 61 s after 210 s is not: a new incident, named after its first alert.
    expect(c.assign('pod:shop/a', 'alert-4', 271n * S)).toBe(incidentIdOf('pod:shop/a', 'alert-4'));
    expect(c.assign('pod:shop/b', 'alert-5', 271n * S)).toBe(incidentIdOf('pod:shop/b', 'alert-5'));
  });

  it('an alert earlier than the last one (out of order) joins without moving the end back', () => {
    const c = new IncidentCorrelator({ gapMs: 60_000 });
    const id = c.assign('ip:10.0.0.5', 'a', 100n * S);
    expect(c.assign('ip:10.0.0.5', 'b', 90n * S)).toBe(id);
    expect(c.assign('ip:10.0.0.5', 'c', 160n * S)).toBe(id);
  });

  it('forgets the least recently active entity beyond maxEntities', () => {
    const c = new IncidentCorrelator({ maxEntities: 2 });
    const a = c.assign('a', '1', 1n);
    c.assign('b', '2', 1n);
    c.assign('a', '3', 2n); // a is now the most recent
    c.assign('c', '4', 3n); // b goes
    expect(c.size).toBe(2);
    expect(c.assign('a', '5', 4n)).toBe(a);
    expect(c.assign('b', '6', 4n)).toBe(incidentIdOf('b', '6'));
  });

  it('links alerts that share an acting IP or a host process, not through targets or the sensor', () => {
    const c = new IncidentCorrelator({ gapMs: 60_000 });
    const ip = (value: string, isActor = true): Entity => ({
      kind: EntityKind.ENTITY_KIND_IP_ADDRESS,
      value,
      displayName: '',
      isActor,
    });
    const process = (value: string): Entity => ({
      kind: EntityKind.ENTITY_KIND_PROCESS,
      value,
      displayName: '',
      isActor: true,
    });
    // An attacker scans a host, logs in to it, and a shell runs there: linked by the attacker's
    // address, then by the host the shell's process runs on.
    const scan = { entities: [ip('10.66.0.10'), ip('10.66.0.20', false)], node: 'victim' };
    const login = { entities: [ip('10.66.0.10'), process('victim:4242')], node: 'victim' };
    const shell = { entities: [process('victim:4243')], node: 'victim' };
    const story = c.assign(correlationKeysOf('ip:10.66.0.10', scan), 'scan', 100n * S);
    expect(c.assign(correlationKeysOf('ip:10.66.0.10', login), 'login', 110n * S)).toBe(story);
    expect(c.assign(correlationKeysOf('node:victim', shell), 'shell', 120n * S)).toBe(story);
    // Another host seen by the same sensor, beaconing somewhere else, is another incident: the
    // node that saw the traffic does not link.
    const other = { entities: [ip('10.66.0.30'), ip('192.0.2.7', false)], node: 'victim' };
    expect(c.assign(correlationKeysOf('ip:10.66.0.30', other), 'other', 121n * S)).toBe(
      incidentIdOf('ip:10.66.0.30', 'other'),
    );
  });

  it('links through what alerts aim at while few aim at it, never through shared infrastructure', () => {
    const c = new IncidentCorrelator({ gapMs: 60_000, maxTargetPrevalence: 3 });
    const ip = (value: string, isActor = true): Entity => ({
      kind: EntityKind.ENTITY_KIND_IP_ADDRESS,
      value,
      displayName: '',
      isActor,
    });
    // The victim's reverse shell connects back to the scanner: one story through the attacker.
    const scan = c.assign(
      correlationKeysOf('ip:10.66.0.10', {
        entities: [ip('10.66.0.10'), ip('10.66.0.20', false)],
        node: 'n',
      }),
      'scan',
      100n * S,
    );
    const back = c.assign(
      correlationKeysOf('ip:10.66.0.20', {
        entities: [ip('10.66.0.20'), ip('10.66.0.10', false)],
        node: 'n',
      }),
      'back',
      101n * S,
    );
    expect(back).toBe(scan);
    // Five hosts call one API server, each in an alert of its own: the first aimers link through it
    // (a few hosts on one target is how one attacker looks), past three it is shared infrastructure.
    const api = (n: number) =>
      c.assign(
        correlationKeysOf(`ip:10.9.0.${n}`, {
          entities: [ip(`10.9.0.${n}`), ip('10.96.0.1', false)],
          node: 'n',
        }),
        `api${n}`,
        (200n + BigInt(n)) * S,
      );
    const incidents = [1, 2, 3, 4, 5].map(api);
    expect(incidents.slice(1, 3)).toEqual([incidents[0], incidents[0]]);
    expect(incidents[3]).toBe(incidentIdOf('ip:10.9.0.4', 'api4'));
    expect(incidents[4]).toBe(incidentIdOf('ip:10.9.0.5', 'api5'));
  });

  it('never links network alerts of unrelated hosts through the sensor that saw them all', () => {
    const c = new IncidentCorrelator({ gapMs: 60_000 });
    const hosts = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'];
    const incidents = hosts.map((host, i) =>
      c.assign(
        correlationKeysOf(`ip:${host}`, {
          entities: [
            {
              kind: EntityKind.ENTITY_KIND_IP_ADDRESS,
              value: host,
              displayName: '',
              isActor: true,
            },
          ],
          node: 'capture-replay',
        }),
        `a${i}`,
        BigInt(100 + i) * S,
      ),
    );
    expect(new Set(incidents).size).toBe(4);
  });

  it('in a pod, correlates by the pod and not by its node', () => {
    const pod: Entity = {
      kind: EntityKind.ENTITY_KIND_POD,
      value: 'shop/web-1',
      displayName: '',
      isActor: true,
    };
    expect(correlationKeysOf('pod:shop/web-1', { entities: [pod], node: 'node-1' })).toEqual({
      links: ['pod:shop/web-1'],
      targets: [],
    });
    expect(correlationKeysOf('ip:10.0.0.9', { entities: [], node: 'node-1' })).toEqual({
      links: ['ip:10.0.0.9'],
      targets: [],
    });
  });
});

// Deception touches: logins, commands and honeytoken uses are critical alerts once per session and
// kind; a bare connect is a low-severity event and no alert; repeated failed logins are brute force.
import { DecoyKind, InteractionKind, Severity } from '@omega/proto';
import { DECEPTION_UNMAPPED, DeceptionTouchDetector } from './deception-touch';
import { deceptionEvent } from './telemetry-events';

const src = { ip: '10.0.3.3', workload: 'shop/cart-1@cart' };

describe('DeceptionTouchDetector', () => {
  it('raises no alert for a bare connect and its disconnect, and counts them as low-severity events', () => {
    const detector = new DeceptionTouchDetector();
    for (const kind of [
      InteractionKind.INTERACTION_KIND_CONNECT,
      InteractionKind.INTERACTION_KIND_DISCONNECT,
    ]) {
      const findings = detector.observe(
        deceptionEvent({ id: 'c', timeNs: 1n, src, decoyId: 'dc-1', kind, sessionId: 's' }),
      );
      expect(findings).toEqual([]);
    }
    expect(detector.lowSeverityEvents).toBe(2);
    expect(detector.stateSize()).toBe(0);
  });

  it('reports a failed login on an SSH decoy as critical (5): a remote-service attempt, naming the decoy', () => {
    const detector = new DeceptionTouchDetector();
    const event = deceptionEvent({
      id: 'x1',
      timeNs: 1n,
      src,
      decoyId: 'dc-000000000001',
      decoyKind: DecoyKind.DECOY_KIND_SSH,
      kind: InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
      username: 'root',
      request: 'password: hunter2',
      sessionId: 's1',
    });
    event.unmapped = { [DECEPTION_UNMAPPED.decoyName]: 'build-runner in ci' };
    const [finding, ...more] = detector.observe(event);
    expect(more).toEqual([]);
    expect(finding!.severity).toBe(Severity.SEVERITY_CRITICAL);
    expect(finding!.attackTechniqueIds).toEqual(['T1021']);
    expect(finding!.explanation).toBe(
      'pod:shop/cart-1 tried to log in to ssh decoy dc-000000000001 (build-runner in ci) (user "root", tried "password: hunter2"). Decoys serve nothing real, so the expected number of logins, commands and requests is zero: this is an intruder or a misconfiguration.',
    );
    expect(finding!.evidenceEventIds).toEqual(['x1']);
  });

  it('adds a brute-force finding (T1110) at the third failed login from one source on one decoy, once', () => {
    const detector = new DeceptionTouchDetector();
    const kinds = [1, 2, 3, 4].map((i) =>
      detector
        .observe(
          deceptionEvent({
            id: `b${i}`,
            timeNs: BigInt(i),
            src,
            decoyId: 'dc-2',
            decoyKind: DecoyKind.DECOY_KIND_SSH,
            kind: InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
            username: `user${i}`,
            sessionId: `s${i}`,
          }),
        )
        .map((f) => [f.kind, ...f.attackTechniqueIds]),
    );
    expect(kinds).toEqual([
      [['honeypot-interaction', 'T1021']],
      [['honeypot-interaction', 'T1021']],
      [
        ['honeypot-interaction', 'T1021'],
        ['decoy-brute-force', 'T1110'],
      ],
      [['honeypot-interaction', 'T1021']],
    ]);
  });

  it('reports a honeytoken credential used on a decoy as fatal (6): valid accounts (T1078), with its placement', () => {
    const detector = new DeceptionTouchDetector();
    const event = deceptionEvent({
      id: 'x2',
      timeNs: 2n,
      src,
      decoyId: 'dc-3',
      decoyKind: DecoyKind.DECOY_KIND_SSH,
      honeytokenId: 'ht-7',
      username: 'svc-backup',
      kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
    });
    event.unmapped = {
      [DECEPTION_UNMAPPED.placement]: 'env of deploy/legacy-api',
      [DECEPTION_UNMAPPED.honeytokenName]: 'svc-backup',
    };
    const [finding] = detector.observe(event);
    expect(finding!.kind).toBe('honeytoken-use');
    expect(finding!.severity).toBe(Severity.SEVERITY_FATAL);
    expect(finding!.attackTechniqueIds).toEqual(['T1078', 'T1552']);
    expect(finding!.explanation).toContain(
      'logged in with honeytoken ht-7 "svc-backup", planted in env of deploy/legacy-api, on ssh decoy dc-3',
    );
    expect(finding!.entities.map((e) => [e.kind, e.value, e.isActor]).at(-2)).toEqual([
      14,
      'ht-7',
      false,
    ]);
  });

  it('reports a honeytoken read away from any decoy (a canary URL fetched) as unsecured credentials (T1552)', () => {
    const detector = new DeceptionTouchDetector();
    const [finding] = detector.observe(
      deceptionEvent({
        id: 'x3',
        timeNs: 3n,
        src,
        decoyId: 'canary',
        honeytokenId: 'ht-8',
        kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
        request: 'GET /c/abc',
      }),
    );
    expect(finding!.attackTechniqueIds).toEqual(['T1552']);
    expect(finding!.title).toBe('Honeytoken ht-8 used by pod:shop/cart-1');
  });

  it('reports each kind of interaction once per session', () => {
    const detector = new DeceptionTouchDetector();
    const touch = (kind: InteractionKind, sessionId: string) =>
      detector.observe(
        deceptionEvent({ id: 'y', timeNs: 3n, src, decoyId: 'redis-1', kind, sessionId }),
      ).length;
    expect(touch(InteractionKind.INTERACTION_KIND_COMMAND, 'a')).toBe(1);
    expect(touch(InteractionKind.INTERACTION_KIND_COMMAND, 'a')).toBe(0);
    expect(touch(InteractionKind.INTERACTION_KIND_FILE_ACCESS, 'a')).toBe(1);
    expect(touch(InteractionKind.INTERACTION_KIND_COMMAND, 'b')).toBe(1);
    expect(touch(InteractionKind.INTERACTION_KIND_CONNECT, 'c')).toBe(0);
  });
});

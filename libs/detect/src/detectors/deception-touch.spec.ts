// Deception touches: every honeypot interaction and honeytoken use is critical, once per session and kind.
import { DecoyKind, InteractionKind, Severity } from '@omega/proto';
import { DeceptionTouchDetector } from './deception-touch';
import { deceptionEvent } from './telemetry-events';

const src = { ip: '10.0.3.3', workload: 'shop/cart-1@cart' };

describe('DeceptionTouchDetector', () => {
  it('reports a login attempt on an SSH decoy as critical (5) with brute-force and valid-account techniques', () => {
    const detector = new DeceptionTouchDetector();
    const [finding] = detector.observe(
      deceptionEvent({
        id: 'x1',
        timeNs: 1n,
        src,
        decoyId: 'ssh-decoy-1',
        decoyKind: DecoyKind.DECOY_KIND_SSH,
        kind: InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
        username: 'root',
        sessionId: 's1',
      }),
    );
    expect(finding!.severity).toBe(Severity.SEVERITY_CRITICAL);
    expect(finding!.attackTechniqueIds).toEqual(['T1110', 'T1078']);
    expect(finding!.explanation).toBe(
      'pod:shop/cart-1 tried to log in to ssh decoy ssh-decoy-1 (user "root"). Decoys serve nothing real, so the expected number of interactions is zero: any touch is an intruder or a misconfiguration.',
    );
    expect(finding!.evidenceEventIds).toEqual(['x1']);
  });

  it('reports a honeytoken use as fatal (6): the credential was stolen', () => {
    const detector = new DeceptionTouchDetector();
    const [finding] = detector.observe(
      deceptionEvent({
        id: 'x2',
        timeNs: 2n,
        src,
        honeytokenId: 'aws-key-7',
        kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
      }),
    );
    expect(finding!.kind).toBe('honeytoken-use');
    expect(finding!.severity).toBe(Severity.SEVERITY_FATAL);
    expect(finding!.attackTechniqueIds).toEqual(['T1552', 'T1078']);
    expect(finding!.entities.map((e) => [e.kind, e.value, e.isActor]).at(-1)).toEqual([
      14,
      'aws-key-7',
      false,
    ]);
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
  });
});

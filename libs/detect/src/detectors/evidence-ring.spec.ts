// A finding's evidence: the last MAX_EVIDENCE_IDS events of an entity, oldest first, with the
// locations their caller noted; a ring cleared for reuse remembers nothing of its last entity.
import { locateEvidence, MAX_EVIDENCE_IDS } from './detector';
import { EvidenceRing } from './evidence-ring';
import { flowEvent } from './telemetry-events';

const event = (id: string) =>
  flowEvent({ id, timeNs: 1n, src: { ip: '10.0.0.1' }, dst: { ip: '10.0.0.2', port: 22 } });

describe('EvidenceRing', () => {
  it('keeps the last 8 event ids, oldest first', () => {
    const ring = new EvidenceRing();
    for (let i = 0; i < 11; i++) ring.push(event(`e${i}`));
    expect(MAX_EVIDENCE_IDS).toBe(8);
    expect(ring.findingFields()).toEqual({
      evidenceEventIds: ['e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'e10'],
    });
  });

  it('skips events without an id and gives locations only when one was noted', () => {
    const ring = new EvidenceRing();
    ring.push(event('a'));
    ring.push(event(''));
    const located = event('b');
    locateEvidence(located, { batch: 7, index: 3 });
    ring.push(located);
    expect(ring.findingFields()).toEqual({
      evidenceEventIds: ['a', 'b'],
      evidenceLocations: [undefined, { batch: 7, index: 3 }],
    });
  });

  it('after clear, holds only what was pushed since', () => {
    const ring = new EvidenceRing();
    for (let i = 0; i < 10; i++) ring.push(event(`old${i}`));
    ring.clear();
    expect(ring.findingFields()).toEqual({ evidenceEventIds: [] });
    ring.push(event('new0'));
    ring.push(event('new1'));
    expect(ring.findingFields()).toEqual({ evidenceEventIds: ['new0', 'new1'] });
  });
});

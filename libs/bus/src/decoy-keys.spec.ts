import { isDecoyId, newDecoyId } from './decoy-keys';

describe('decoy keys', () => {
  it('mints ids that are decoy keys, each new', () => {
    const ids = Array.from({ length: 100 }, () => newDecoyId());
    for (const id of ids) expect(id).toMatch(/^dc-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(100);
    expect(ids.every(isDecoyId)).toBe(true);
  });

  it('tells decoys from the other keys of omega_decoys', () => {
    expect(isDecoyId('dc-0123456789ab')).toBe(true);
    for (const key of [
      'ssh-host-key.dc-0123456789ab',
      'dc-0123456789AB',
      'dc-0123456789a',
      'dc-0123456789abc',
      '',
    ]) {
      expect(isDecoyId(key)).toBe(false);
    }
  });
});

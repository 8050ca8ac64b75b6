// The SSH decoys' host keys: every one ssh2 can parse back (its generator alone writes about one
// key in 400 that its parser refuses, which failed a decoy's start), and one stable key per decoy.
import { utils } from 'ssh2';
import { SshHostKeys } from './ssh-honeypot';

describe('SSH host keys', () => {
  it('gives each of 2,000 decoys a key ssh2 parses, the same one each time it is asked', () => {
    const keys = new SshHostKeys();
    const unparseable: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const key = keys.forDecoy(`dc-${i}`);
      if (utils.parseKey(key) instanceof Error) unparseable.push(`dc-${i}`);
    }
    expect(unparseable).toEqual([]);
    expect(keys.forDecoy('dc-7')).toBe(keys.forDecoy('dc-7'));
    expect(keys.forDecoy('dc-7')).not.toBe(keys.forDecoy('dc-8'));
  });
});

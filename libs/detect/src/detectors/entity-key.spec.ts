// State keys: one per source, whichever form it takes, and never one for two sources.
import { sourceKey, sourceStateKey } from './entity-key';
import { flowEvent } from './telemetry-events';

const from = (ip: string, workload?: string) =>
  flowEvent({
    id: 'e',
    timeNs: 1n,
    src: { ip, ...(workload ? { workload } : {}) },
    dst: { ip: '10.0.0.9' },
  });

describe('sourceStateKey', () => {
  it('is the address as a 32-bit integer for a bare IPv4 source', () => {
    expect(sourceStateKey(from('10.1.2.3'))).toBe((10 << 24) | (1 << 16) | (2 << 8) | 3);
    expect(sourceStateKey(from('0.0.0.0'))).toBe(0);
    expect(sourceStateKey(from('255.255.255.255'))).toBe(-1);
    expect(sourceStateKey(from('192.168.0.1'))).toBe((192 << 24) | (168 << 16) | 1);
  });

  it('is the string key for a workload, IPv6 and any address not written as a canonical dotted quad', () => {
    for (const ip of [
      '010.1.2.3',
      '10.1.2',
      '10.1.2.3.4',
      '256.1.1.1',
      '10.1.2.3 ',
      '1..2.3',
      'fd00::1',
    ]) {
      expect(sourceStateKey(from(ip))).toBe(`ip:${ip}`);
    }
    expect(sourceStateKey(from('10.1.2.3', 'ns/pod-a'))).toBe('pod:ns/pod-a');
    expect(sourceKey(from('10.1.2.3'))).toBe('ip:10.1.2.3');
  });

  it('gives distinct sources distinct keys', () => {
    const ips = ['10.0.0.1', '10.0.0.10', '10.0.1.0', '1.0.0.100', '100.0.0.1', '010.0.0.1'];
    const keys = new Set(ips.map((ip) => sourceStateKey(from(ip))));
    expect(keys.size).toBe(ips.length);
  });
});

// State keys: one per source, whichever form it takes, and never one for two sources.
import { reachedServiceKey, sourceKey, sourceStateKey } from './entity-key';
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

describe('reachedServiceKey', () => {
  const reached = (src: string, host: string, port: number, workload?: string) => {
    const event = from(src, workload);
    return reachedServiceKey(sourceStateKey(event), sourceKey(event), host, port);
  };

  it('is five 16-bit code units for an IPv4 source, IPv4 host and 16-bit port', () => {
    const codes = (key: string) => [...key].map((_, i) => key.charCodeAt(i));
    expect(codes(reached('10.1.2.3', '192.168.0.9', 443))).toEqual([
      0x0a01, 0x0203, 0xc0a8, 0x0009, 443,
    ]);
    expect(codes(reached('255.255.255.255', '0.0.0.0', 65535))).toEqual([
      0xffff, 0xffff, 0, 0, 0xffff,
    ]);
  });

  it('is source>host:port for a workload, an IPv6 host or a port past 16 bits', () => {
    expect(reached('10.1.2.3', '10.0.0.9', 80, 'ns/pod@sa')).toBe('pod:ns/pod>10.0.0.9:80');
    expect(reached('10.1.2.3', 'fd00::1', 80)).toBe('ip:10.1.2.3>fd00::1:80');
    expect(reached('10.1.2.3', '10.0.0.9', 70000)).toBe('ip:10.1.2.3>10.0.0.9:70000');
  });

  it('gives distinct services distinct keys', () => {
    const triples: [string, string, number, string?][] = [
      ['10.0.0.1', '10.0.0.2', 80],
      ['10.0.0.2', '10.0.0.1', 80],
      ['10.0.0.1', '10.0.0.2', 81],
      ['0.0.0.0', '0.0.0.0', 0],
      ['10.0.0.1', '10.0.0.2', 80, 'ns/pod@sa'],
      ['10.0.0.1', 'fd00::2', 80],
    ];
    const keys = new Set(triples.map(([s, h, p, w]) => reached(s, h, p, w)));
    expect(keys.size).toBe(triples.length);
  });
});

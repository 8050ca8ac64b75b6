// The decoy placement settings: local by default with no Kubernetes namespace allowed, and the
// kubernetes placement refused, naming each missing setting, until the relay is configured.
import { deceptionConfigSchema } from './deception-config';

describe('deception.decoys configuration', () => {
  it('places decoys locally by default and allows no Kubernetes namespace', () => {
    const config = deceptionConfigSchema.parse({});
    expect(config.decoys.placement).toBe('local');
    expect(config.decoys.kubernetes.namespaces).toEqual([]);
  });

  it('refuses the kubernetes placement without its relay settings, naming each', () => {
    const result = deceptionConfigSchema.safeParse({ decoys: { placement: 'kubernetes' } });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.')).sort();
    expect(paths).toEqual([
      'decoys.kubernetes.relayImage',
      'decoys.kubernetes.relayPeer',
      'decoys.kubernetes.relaySources',
      'decoys.kubernetes.relayUpstream',
    ]);
  });

  it('takes a complete kubernetes placement, the relay peer by selector or by CIDR', () => {
    const kubernetes = {
      namespaces: ['shop'],
      relayImage: 'registry.example.com/platform/tcp-proxy:1.4.2',
      relayUpstream: '10.96.0.40:50060',
      relaySources: ['10.244.0.0/16'],
    };
    for (const relayPeer of [
      { cidr: '10.244.3.0/24' },
      { namespace: 'omega', podLabels: { app: 'x' } },
    ]) {
      const parsed = deceptionConfigSchema.parse({
        decoys: { placement: 'kubernetes', kubernetes: { ...kubernetes, relayPeer } },
      });
      expect(parsed.decoys.kubernetes.relayPeer).toEqual(relayPeer);
    }
    expect(
      deceptionConfigSchema.safeParse({
        decoys: {
          placement: 'kubernetes',
          kubernetes: { ...kubernetes, relayPeer: { cidr: 'nope' } },
        },
      }).success,
    ).toBe(false);
  });
});

// The NetworkPolicy ingress rules as the Kubernetes documentation states them ("Network
// Policies", "Behavior of to and from selectors"), one case each.
import { admitsIngress, type KubeObject, type Source, type TargetPod } from './index';

const db: TargetPod = { namespace: 'prod', labels: { role: 'db' }, namedPorts: { sql: 5432 } };
const pod = (namespace: string, labels: Record<string, string>, nsLabels = {}): Source => ({
  pod: { namespace, labels, namespaceLabels: nsLabels },
});
const policy = (spec: object): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'p', namespace: 'prod' },
  spec,
});

describe('admitsIngress', () => {
  it('admits everything to a pod that no policy selects', () => {
    const other = policy({ podSelector: { matchLabels: { role: 'web' } }, ingress: [] });
    expect(admitsIngress([other], db, { ip: '203.0.113.9' }, 5432)).toBe(true);
  });

  it('admits nothing when a selecting policy has no ingress rules (default deny)', () => {
    const deny = policy({ podSelector: {}, policyTypes: ['Ingress'] });
    expect(admitsIngress([deny], db, pod('prod', { role: 'web' }), 5432)).toBe(false);
  });

  it('reads a podSelector alone as the policy namespace, and a named port by container port', () => {
    const p = policy({
      podSelector: { matchLabels: { role: 'db' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { role: 'web' } } }], ports: [{ port: 'sql' }] },
      ],
    });
    expect(admitsIngress([p], db, pod('prod', { role: 'web' }), 5432)).toBe(true);
    expect(admitsIngress([p], db, pod('dev', { role: 'web' }), 5432)).toBe(false);
    expect(admitsIngress([p], db, pod('prod', { role: 'web' }), 5433)).toBe(false);
  });

  it('needs both selectors in one peer, either of two peers, and honours ipBlock except', () => {
    const p = policy({
      podSelector: {},
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { team: 'a' } },
              podSelector: { matchLabels: { role: 'web' } },
            },
            { ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.5.0/24'] } },
          ],
        },
      ],
    });
    expect(admitsIngress([p], db, pod('x', { role: 'web' }, { team: 'a' }), 5432)).toBe(true);
    expect(admitsIngress([p], db, pod('x', { role: 'api' }, { team: 'a' }), 5432)).toBe(false);
    expect(admitsIngress([p], db, { ip: '10.0.4.1' }, 5432)).toBe(true);
    expect(admitsIngress([p], db, { ip: '10.0.5.1' }, 5432)).toBe(false);
  });
});

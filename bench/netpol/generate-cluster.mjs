// A seeded synthetic cluster for bench/netpol: namespaces of pods labelled like real workloads (app,
// tier, team) with named container ports, and NetworkPolicies of the shapes clusters carry:
// per-namespace default deny, app-to-app allows, namespace-selected ingress, egress with port
// ranges and ipBlocks, named ports. Deterministic for a given seed and size.

function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TIERS = ['web', 'api', 'db', 'cache'];
const TEAMS = ['payments', 'search', 'identity', 'platform', 'data'];

/** { manifests, namespaces, pods, policies } with `pods` pods over pods/100 namespaces. */
export function generateCluster({ pods: podCount, policies: policyCount, seed = 1 }) {
  const random = seededRandom(seed);
  const pick = (items) => items[Math.floor(random() * items.length)];
  const namespaceCount = Math.max(1, Math.round(podCount / 100));
  const appsPerNamespace = 10;
  const namespaces = Array.from({ length: namespaceCount }, (_, i) => ({
    name: `ns-${i}`,
    team: TEAMS[i % TEAMS.length],
    env: i % 3 === 0 ? 'prod' : 'staging',
  }));
  const manifests = namespaces.map((ns) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns.name, labels: { team: ns.team, env: ns.env } },
  }));
  const pods = [];
  for (let i = 0; i < podCount; i++) {
    const ns = namespaces[i % namespaceCount];
    const app = `app-${Math.floor(random() * appsPerNamespace)}`;
    const tier = pick(TIERS);
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    pods.push({ namespace: ns.name, name: `pod-${i}`, app, tier, ip });
    manifests.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${i}`, namespace: ns.name, labels: { app, tier, team: ns.team } },
      spec: {
        containers: [
          {
            name: 'main',
            ports: [
              { containerPort: 8080, name: 'http', protocol: 'TCP' },
              { containerPort: 9090, name: 'metrics', protocol: 'TCP' },
            ],
          },
        ],
      },
      status: { podIP: ip, podIPs: [{ ip }] },
    });
  }
  const policies = [];
  for (let i = 0; i < policyCount; i++) {
    const ns = namespaces[i % namespaceCount];
    const app = `app-${Math.floor(random() * appsPerNamespace)}`;
    const kind = random();
    let spec;
    if (kind < 0.1) {
      spec = { podSelector: {}, policyTypes: ['Ingress'], ingress: [] };
    } else if (kind < 0.45) {
      spec = {
        podSelector: { matchLabels: { app } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                podSelector: {
                  matchLabels: { app: `app-${Math.floor(random() * appsPerNamespace)}` },
                },
              },
              {
                podSelector: {
                  matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }],
                },
              },
            ],
            ports: [{ port: pick(['http', 8080]) }],
          },
        ],
      };
    } else if (kind < 0.7) {
      spec = {
        podSelector: { matchLabels: { app, tier: pick(TIERS) } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { team: pick(TEAMS) } },
                podSelector: { matchLabels: { tier: pick(TIERS) } },
              },
              {
                namespaceSelector: {
                  matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }],
                },
              },
            ],
            ports: [{ protocol: 'TCP', port: 8000, endPort: 8100 }],
          },
        ],
      };
    } else if (kind < 0.9) {
      spec = {
        podSelector: { matchLabels: { app } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { team: ns.team } } }],
            ports: [{ port: 'http' }],
          },
          {
            to: [
              {
                ipBlock: {
                  cidr: '10.0.0.0/16',
                  except: [`10.0.${Math.floor(random() * 40)}.0/24`],
                },
              },
            ],
          },
        ],
      };
    } else {
      spec = {
        podSelector: {
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['db', 'cache'] }],
        },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [{ podSelector: { matchLabels: { tier: 'api' } } }], ports: [{ port: 8080 }] },
        ],
        egress: [{ to: [{ podSelector: {} }] }],
      };
    }
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `policy-${i}`, namespace: ns.name },
      spec,
    };
    policies.push(policy);
    manifests.push(policy);
  }
  return { manifests, namespaces, pods, policies };
}

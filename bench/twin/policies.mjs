// Seeded NetworkPolicies of the shapes clusters carry, over a generated cluster's namespaces and
// apps (10% namespace default-deny ingress, 50% app-to-app on the named port `http`, 25% ingress
// from a namespace on 8080, 15% egress to the own namespace).
export function policiesFor(objects, count, seed = 1) {
  let a = seed >>> 0;
  const random = () => {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    return a / 2 ** 32;
  };
  const apps = new Map();
  for (const o of objects) {
    if (o.kind !== 'Pod' || !o.metadata.labels?.app) continue;
    const ns = o.metadata.namespace;
    if (!apps.has(ns)) apps.set(ns, new Set());
    apps.get(ns).add(o.metadata.labels.app);
  }
  const namespaces = [...apps.keys()].filter((ns) => ns !== 'kube-system');
  const out = [];
  for (let i = 0; i < count; i++) {
    const ns = namespaces[i % namespaces.length];
    const nsApps = [...apps.get(ns)];
    const app = nsApps[Math.floor(random() * nsApps.length)];
    const other = nsApps[Math.floor(random() * nsApps.length)];
    const kind = random();
    const spec =
      kind < 0.1
        ? { podSelector: {}, policyTypes: ['Ingress'] }
        : kind < 0.6
          ? {
              podSelector: { matchLabels: { app } },
              ingress: [
                {
                  from: [{ podSelector: { matchLabels: { app: other } } }],
                  ports: [{ port: 'http' }],
                },
              ],
            }
          : kind < 0.85
            ? {
                podSelector: { matchLabels: { app } },
                ingress: [
                  {
                    from: [
                      {
                        namespaceSelector: {
                          matchLabels: {
                            'kubernetes.io/metadata.name':
                              namespaces[Math.floor(random() * namespaces.length)],
                          },
                        },
                      },
                    ],
                    ports: [{ port: 8080 }],
                  },
                ],
              }
            : {
                podSelector: { matchLabels: { app } },
                policyTypes: ['Egress'],
                egress: [
                  {
                    to: [
                      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } },
                    ],
                  },
                ],
              };
    out.push({ kind: 'NetworkPolicy', metadata: { namespace: ns, name: `np-${i}` }, spec });
  }
  return out;
}

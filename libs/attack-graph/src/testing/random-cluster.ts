// Test-only: a seeded generator of small, dense clusters and of random changes to them, so that
// every edge producer sees adds, edits and deletes of every kind it reads.

/** mulberry32: a small seeded PRNG (no clock, no global state). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Obj = {
  kind: string;
  metadata: { name: string; namespace?: string; [field: string]: unknown };
  [field: string]: unknown;
};

const NAMESPACES = ['ns0', 'ns1', 'kube-system'];
const HOST_PATHS = [
  '/',
  '/var/log',
  '/var/lib/kubelet/pods',
  '/proc/sys/kernel',
  '/etc',
  '/data',
  '/var/run',
];
const CAPS = ['SYS_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'NET_ADMIN'];
const VERBS = ['get', 'list', 'create', 'patch', 'update', 'bind', 'escalate', 'impersonate', '*'];
const RESOURCES = [
  ['', 'pods'],
  ['', 'pods/exec'],
  ['', 'pods/attach'],
  ['', 'pods/log'],
  ['', 'secrets'],
  ['', 'serviceaccounts'],
  ['', 'serviceaccounts/token'],
  ['', 'users'],
  ['', 'groups'],
  ['rbac.authorization.k8s.io', 'rolebindings'],
  ['rbac.authorization.k8s.io', 'clusterrolebindings'],
  ['rbac.authorization.k8s.io', 'roles'],
  ['rbac.authorization.k8s.io', 'clusterroles'],
  ['*', '*'],
];

export class RandomCluster {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private some<T>(list: readonly T[], p: number): T[] {
    return list.filter(() => this.chance(p));
  }

  private rules(): object[] {
    return Array.from({ length: 1 + Math.floor(this.random() * 3) }, () => {
      const [group, resource] = this.pick(RESOURCES);
      const rule: Record<string, unknown> = {
        verbs: this.some(VERBS, 0.3).concat(this.pick(VERBS)),
        apiGroups: [group],
        resources: [resource],
      };
      if (this.chance(0.15))
        rule.resourceNames = [this.pick(['p0', 's0', 'r0', 'cr0', 'sa0', 'u0'])];
      return rule;
    });
  }

  private subjects(ns: string | undefined): object[] {
    return Array.from({ length: 1 + Math.floor(this.random() * 2) }, () => {
      const r = this.random();
      if (r < 0.5) {
        const subject: Record<string, string> = {
          kind: 'ServiceAccount',
          name: `sa${Math.floor(this.random() * 3)}`,
        };
        if (!ns || this.chance(0.5)) subject.namespace = this.pick(NAMESPACES);
        return subject;
      }
      if (r < 0.7)
        return { kind: 'User', name: this.pick(['u0', 'u1', 'system:serviceaccount:ns0:sa1']) };
      const group = this.pick([
        'g0',
        'system:serviceaccounts',
        'system:serviceaccounts:ns1',
        'system:authenticated',
        'system:nodes',
      ]);
      return { kind: 'Group', name: group };
    });
  }

  /** A random object of a random kind (names drawn from small pools, so later ones replace earlier). */
  object(): Obj {
    const ns = this.pick(NAMESPACES);
    const n = (prefix: string, count: number) => `${prefix}${Math.floor(this.random() * count)}`;
    switch (
      this.pick([
        'Node',
        'Namespace',
        'Pod',
        'Pod',
        'Pod',
        'Service',
        'ServiceAccount',
        'Role',
        'ClusterRole',
        'RoleBinding',
        'ClusterRoleBinding',
        'Secret',
        'Ingress',
        'NetworkPolicy',
      ])
    ) {
      case 'Node':
        return { kind: 'Node', metadata: { name: n('node', 2) } };
      case 'Namespace':
        return { kind: 'Namespace', metadata: { name: ns, labels: { team: n('t', 2) } } };
      case 'Pod': {
        const mounts = this.some(HOST_PATHS, 0.15);
        return {
          kind: 'Pod',
          metadata: { name: n('p', 5), namespace: ns, labels: { app: this.pick(['a', 'b']) } },
          spec: {
            nodeName: this.chance(0.9) ? n('node', 2) : undefined,
            serviceAccountName: n('sa', 3),
            automountServiceAccountToken: this.chance(0.2) ? false : undefined,
            hostPID: this.chance(0.2),
            hostNetwork: this.chance(0.2),
            containers: [
              {
                name: 'c',
                image: 'img',
                securityContext: {
                  privileged: this.chance(0.15),
                  runAsUser: this.chance(0.3) ? 0 : undefined,
                  capabilities: { add: this.some(CAPS, 0.2) },
                },
                ports: this.chance(0.5)
                  ? [{ containerPort: 80, hostPort: this.chance(0.2) ? 8080 : undefined }]
                  : [],
                volumeMounts: [
                  ...mounts.map((_, i) => ({
                    name: `h${i}`,
                    mountPath: `/h${i}`,
                    readOnly: this.chance(0.4),
                  })),
                  ...(this.chance(0.3) ? [{ name: 'sec', mountPath: '/sec' }] : []),
                ],
              },
            ],
            volumes: [
              ...mounts.map((path, i) => ({ name: `h${i}`, hostPath: { path } })),
              { name: 'sec', secret: { secretName: n('s', 3) } },
            ],
          },
        };
      }
      case 'Service':
        return {
          kind: 'Service',
          metadata: { name: n('svc', 2), namespace: ns },
          spec: {
            type: this.pick(['ClusterIP', 'NodePort', 'LoadBalancer']),
            selector: { app: this.pick(['a', 'b']) },
            ports: [{ port: 80 }],
          },
        };
      case 'ServiceAccount':
        return {
          kind: 'ServiceAccount',
          metadata: { name: n('sa', 3), namespace: ns },
          automountServiceAccountToken: this.chance(0.7),
        };
      case 'Role':
        return { kind: 'Role', metadata: { name: n('r', 3), namespace: ns }, rules: this.rules() };
      case 'ClusterRole': {
        const labels = this.chance(0.5) ? { agg: this.pick(['x', 'y']) } : undefined;
        const aggregate = this.chance(0.3)
          ? { clusterRoleSelectors: [{ matchLabels: { agg: this.pick(['x', 'y']) } }] }
          : undefined;
        const name = this.chance(0.2) ? 'cluster-admin' : n('cr', 4);
        return {
          kind: 'ClusterRole',
          metadata: { name, labels },
          rules: this.rules(),
          aggregationRule: aggregate,
        };
      }
      case 'RoleBinding':
        return {
          kind: 'RoleBinding',
          metadata: { name: n('rb', 4), namespace: ns },
          roleRef: this.chance(0.5)
            ? { kind: 'Role', name: n('r', 3) }
            : { kind: 'ClusterRole', name: n('cr', 4) },
          subjects: this.subjects(ns),
        };
      case 'ClusterRoleBinding':
        return {
          kind: 'ClusterRoleBinding',
          metadata: { name: n('crb', 3) },
          roleRef: { kind: 'ClusterRole', name: this.chance(0.2) ? 'cluster-admin' : n('cr', 4) },
          subjects: this.subjects(undefined),
        };
      case 'Secret': {
        const token = this.chance(0.4);
        return {
          kind: 'Secret',
          metadata: {
            name: n('s', 3),
            namespace: ns,
            annotations: token ? { 'kubernetes.io/service-account.name': n('sa', 3) } : undefined,
          },
          type: token ? 'kubernetes.io/service-account-token' : 'Opaque',
        };
      }
      case 'Ingress':
        return {
          kind: 'Ingress',
          metadata: { name: n('ing', 2), namespace: ns },
          spec: { defaultBackend: { service: { name: n('svc', 2) } } },
        };
      default:
        return { kind: 'NetworkPolicy', metadata: { name: n('np', 2), namespace: ns }, spec: {} };
    }
  }

  /** Whether the next change deletes (else it adds or replaces). */
  deletes(): boolean {
    return this.chance(0.3);
  }

  pickOf<T>(list: readonly T[]): T {
    return this.pick(list);
  }
}

// Test-only: seeded random NetworkPolicy sets over the probe model (namespaces x, y, z; pods a, b, c;
// ports 80 and 81 over TCP and UDP), covering every construct of the API: selectors of each operator,
// podSelector AND namespaceSelector, ipBlock with except, numeric, named and ranged ports, protocols,
// empty rule lists, and policyTypes (always written: cyclonus refuses a policy without them).

/** mulberry32: a small seeded generator, so a failing set is reproduced from its seed. */
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

export const FUZZ_NAMESPACES = ['x', 'y', 'z'] as const;
export const FUZZ_PODS = ['a', 'b', 'c'] as const;
export const FUZZ_PORTS = [80, 81] as const;
export const FUZZ_PROTOCOLS = ['TCP', 'UDP'] as const;

/** Pod x/a is 10.0.1.1, y/b 10.0.2.2, ... */
export function fuzzPodIP(namespace: string, pod: string): string {
  return `10.0.${FUZZ_NAMESPACES.indexOf(namespace as 'x') + 1}.${FUZZ_PODS.indexOf(pod as 'a') + 1}`;
}

/** Extra pod labels, so selectors have more than the pod name to work with. */
export function fuzzPodLabels(namespace: string, pod: string): Record<string, string> {
  const tier =
    (FUZZ_NAMESPACES.indexOf(namespace as 'x') + FUZZ_PODS.indexOf(pod as 'a')) % 2 === 0
      ? 'web'
      : 'db';
  return pod === 'c' ? { pod } : { pod, tier };
}

export interface GeneratorOptions {
  /** Whether to write named ports of other protocols than TCP (cyclonus mis-resolves them). */
  readonly namedPortsOfEveryProtocol: boolean;
  /** Whether to write NotIn on a key some pods lack (cyclonus does not select those pods). */
  readonly notInOnMissingKeys: boolean;
}

export function generatePolicySet(
  random: () => number,
  options: GeneratorOptions,
): Record<string, unknown>[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number): boolean => random() < p;

  const labelSelector = (keys: 'pod' | 'ns'): Record<string, unknown> => {
    const roll = random();
    if (roll < 0.2) return {};
    if (keys === 'ns') {
      const key = pick(['ns', 'kubernetes.io/metadata.name']);
      const values = [...new Set([pick(FUZZ_NAMESPACES), pick(FUZZ_NAMESPACES)])];
      if (roll < 0.55) return { matchLabels: { [key]: values[0] } };
      return { matchExpressions: [{ key, operator: pick(['In', 'NotIn']), values }] };
    }
    if (roll < 0.45)
      return {
        matchLabels: chance(0.7) ? { pod: pick(FUZZ_PODS) } : { tier: pick(['web', 'db']) },
      };
    const key = pick(['pod', 'tier']);
    let operator = pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
    // Pod c has no tier label: NotIn on tier is where cyclonus departs from Kubernetes.
    if (key === 'tier' && operator === 'NotIn' && !options.notInOnMissingKeys) operator = 'In';
    const values =
      key === 'pod' ? [...new Set([pick(FUZZ_PODS), pick(FUZZ_PODS)])] : [pick(['web', 'db'])];
    const expression =
      operator === 'In' || operator === 'NotIn' ? { key, operator, values } : { key, operator };
    return chance(0.3)
      ? { matchLabels: { pod: pick(FUZZ_PODS) }, matchExpressions: [expression] }
      : { matchExpressions: [expression] };
  };

  const ipBlock = (): Record<string, unknown> => {
    const cidr = pick([
      '10.0.0.0/16',
      '10.0.1.0/24',
      '10.0.2.0/24',
      '10.0.0.0/8',
      '10.0.3.2/32',
      '10.0.1.0/30',
    ]);
    const exceptFor: Record<string, string[]> = {
      '10.0.0.0/16': ['10.0.1.0/24', '10.0.2.2/32', '10.0.3.0/30'],
      '10.0.1.0/24': ['10.0.1.1/32', '10.0.1.2/31'],
      '10.0.2.0/24': ['10.0.2.3/32'],
      '10.0.0.0/8': ['10.0.3.0/24', '10.0.1.3/32'],
      '10.0.3.2/32': [],
      '10.0.1.0/30': ['10.0.1.2/32'],
    };
    const options = exceptFor[cidr]!;
    return options.length > 0 && chance(0.5) ? { cidr, except: [pick(options)] } : { cidr };
  };

  const peer = (): Record<string, unknown> => {
    const roll = random();
    if (roll < 0.3) return { podSelector: labelSelector('pod') };
    if (roll < 0.55) return { namespaceSelector: labelSelector('ns') };
    if (roll < 0.85)
      return { podSelector: labelSelector('pod'), namespaceSelector: labelSelector('ns') };
    return { ipBlock: ipBlock() };
  };

  const port = (): Record<string, unknown> => {
    const roll = random();
    const protocol = chance(0.3) ? undefined : pick(FUZZ_PROTOCOLS);
    const withProtocol = protocol ? { protocol } : {};
    if (roll < 0.15) return { protocol: protocol ?? 'TCP' };
    if (roll < 0.55) return { ...withProtocol, port: pick(FUZZ_PORTS) };
    if (roll < 0.7) return { ...withProtocol, port: 80, endPort: pick([80, 81, 90]) };
    if (!options.namedPortsOfEveryProtocol) {
      // Only TCP names on TCP rules: see the cyclonus spec for what it does with the others.
      return { ...(protocol === 'TCP' ? { protocol } : {}), port: `serve-${pick(FUZZ_PORTS)}-tcp` };
    }
    return {
      ...withProtocol,
      port: `serve-${pick(FUZZ_PORTS)}-${pick(FUZZ_PROTOCOLS).toLowerCase()}`,
    };
  };

  const rules = (peerKey: 'from' | 'to'): Record<string, unknown>[] =>
    Array.from({ length: Math.floor(random() * 3) }, () => {
      const rule: Record<string, unknown> = {};
      if (chance(0.75)) rule[peerKey] = Array.from({ length: 1 + Math.floor(random() * 2) }, peer);
      if (chance(0.6)) rule.ports = Array.from({ length: 1 + Math.floor(random() * 2) }, port);
      return rule;
    });

  return Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => {
    const policyTypes = pick([['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    const spec: Record<string, unknown> = { podSelector: labelSelector('pod'), policyTypes };
    if (policyTypes.includes('Ingress')) spec.ingress = rules('from');
    if (policyTypes.includes('Egress')) spec.egress = rules('to');
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `policy-${i}`, namespace: pick(FUZZ_NAMESPACES) },
      spec,
    };
  });
}

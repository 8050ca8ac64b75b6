// The bench's anchor: the most direct NetworkPolicy evaluator there is. For one pair it scans every
// policy, matching selectors against labels as it goes; nothing is indexed or precomputed. Written
// here, apart from libs/netpol, so its verdicts also cross-check the library's matrix.

function matches(selector, labels) {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    const value = labels[req.key];
    if (req.operator === 'In' && !(has && req.values.includes(value))) return false;
    if (req.operator === 'NotIn' && has && req.values.includes(value)) return false;
    if (req.operator === 'Exists' && !has) return false;
    if (req.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function ipv4(text) {
  return text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function inCidr(ip, cidr) {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
}

function peerMatches(peer, policyNamespace, other, namespaceLabels) {
  if (peer.ipBlock) {
    return (
      inCidr(other.ip, peer.ipBlock.cidr) &&
      !(peer.ipBlock.except ?? []).some((e) => inCidr(other.ip, e))
    );
  }
  const inNamespace = peer.namespaceSelector
    ? matches(peer.namespaceSelector, namespaceLabels[other.namespace])
    : other.namespace === policyNamespace;
  return inNamespace && matches(peer.podSelector ?? {}, other.labels);
}

function portMatches(ports, port, protocol, destination) {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') return destination.namedPorts[p.port] === port;
    return port >= p.port && port <= (p.endPort ?? p.port);
  });
}

function types(spec) {
  if (spec.policyTypes?.length) return spec.policyTypes;
  return (spec.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/**
 * pods: [{ namespace, labels, ip, namedPorts: { name: port } }]; namespaceLabels: { ns: labels }
 * (with kubernetes.io/metadata.name). Returns allowed(from, to) for one port and protocol.
 */
export function naiveEvaluator(policies, namespaceLabels, port, protocol) {
  const direction = (subject, other, destination, kind) => {
    let selected = false;
    for (const policy of policies) {
      if (policy.metadata.namespace !== subject.namespace) continue;
      if (!types(policy.spec).includes(kind)) continue;
      if (!matches(policy.spec.podSelector ?? {}, subject.labels)) continue;
      selected = true;
      const rules = kind === 'Ingress' ? (policy.spec.ingress ?? []) : (policy.spec.egress ?? []);
      for (const rule of rules) {
        const peers = kind === 'Ingress' ? rule.from : rule.to;
        const peerOk =
          !peers ||
          peers.length === 0 ||
          peers.some((p) => peerMatches(p, policy.metadata.namespace, other, namespaceLabels));
        if (peerOk && portMatches(rule.ports, port, protocol, destination)) return true;
      }
    }
    return !selected;
  };
  return (from, to) => direction(from, to, to, 'Egress') && direction(to, from, to, 'Ingress');
}

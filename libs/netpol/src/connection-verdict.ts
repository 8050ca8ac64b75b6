// One connection's verdict with its explanation: egress at the source AND ingress at the destination,
// each decided by the layers in order (AdminNetworkPolicy, NetworkPolicy, BaselineAdminNetworkPolicy,
// default allow), naming the policies that selected each end and the rule that decided.
import { Code, OmegaError } from '@omega/errors';
import type {
  CompiledCluster,
  CompiledPeer,
  CompiledPolicy,
  CompiledRule,
  Direction,
  PolicyKind,
} from './compiled-policies';
import { ipBlockContains, parseAddress, type Address } from './ip-block';
import type { Protocol } from './label-schema';
import { matchingPort } from './port-match';

/** A pod as "namespace/name", or any address (a pod's address resolves to that pod). */
export type Endpoint = { readonly pod: string } | { readonly ip: string };

export interface ConnectionQuery {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  /** Default TCP. */
  readonly protocol?: Protocol;
}

export interface RuleRef {
  readonly kind: PolicyKind;
  /** "namespace/name" for a NetworkPolicy, the name for the cluster-scoped kinds. */
  readonly policy: string;
  /** The rule's position in the policy's ingress or egress list. */
  readonly rule: number;
  readonly ruleName?: string;
  readonly action: 'Allow' | 'Deny' | 'Pass';
  /** The peer and port entry that matched, as text ("pods app=web in namespace x", "TCP 80"). */
  readonly peer: string;
  readonly port: string;
}

export type Layer =
  'AdminNetworkPolicy' | 'NetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'default';

export interface DirectionVerdict {
  readonly direction: Direction;
  /** The pod this direction is enforced on: the destination for ingress, the source for egress. */
  readonly pod: string;
  readonly allowed: boolean;
  readonly decidedBy: Layer;
  /** AdminNetworkPolicies whose subject holds the pod, by precedence. */
  readonly adminNetworkPolicies: readonly string[];
  /** The admin rule that allowed, denied, or passed the connection on to NetworkPolicy. */
  readonly adminRule?: RuleRef;
  /** NetworkPolicies that select the pod for this direction (isolating it). */
  readonly networkPolicies: readonly string[];
  /** Every NetworkPolicy rule that admits the connection (their union decides). */
  readonly allowedBy: readonly RuleRef[];
  readonly baselineRule?: RuleRef;
  /** One sentence for people. */
  readonly reason: string;
}

export interface ConnectionVerdict {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly allowed: boolean;
  /** Absent when the source is not a pod of the cluster (nothing enforces egress there). */
  readonly egress?: DirectionVerdict;
  /** Absent when the destination is not a pod of the cluster. */
  readonly ingress?: DirectionVerdict;
  /** Ends whose verdict the network does not enforce (hostNetwork pods), with why. */
  readonly unenforced: readonly string[];
}

/** A resolved end: a pod index, or an address outside the cluster's pods. */
export interface ResolvedEnd {
  readonly pod?: number;
  readonly address?: Address;
  readonly text: string;
}

export function resolveEndpoint(
  compiled: CompiledCluster,
  endpoint: Endpoint,
  field: string,
): ResolvedEnd {
  if ('pod' in endpoint) {
    const pod = compiled.index.podIndex.get(endpoint.pod);
    if (pod === undefined) {
      throw new OmegaError(
        Code.NotFound,
        `${field}.pod: no pod '${endpoint.pod}' in the cluster (write namespace/name)`,
      );
    }
    return { pod, text: endpoint.pod };
  }
  const address = parseAddress(endpoint.ip);
  if (!address)
    throw new OmegaError(
      Code.InvalidArgument,
      `${field}.ip: '${endpoint.ip}' is not an IP address`,
    );
  const pod = compiled.podWithAddress(address.toString());
  return pod === undefined
    ? { address, text: address.toString() }
    : { pod, text: compiled.pod(pod).id };
}

export function evaluateConnection(
  compiled: CompiledCluster,
  query: ConnectionQuery,
): ConnectionVerdict {
  if (!Number.isInteger(query.port) || query.port < 1 || query.port > 65535) {
    throw new OmegaError(
      Code.InvalidArgument,
      `port: ${query.port} is not a port number (1-65535)`,
    );
  }
  const protocol = query.protocol ?? 'TCP';
  const from = resolveEndpoint(compiled, query.from, 'from');
  const to = resolveEndpoint(compiled, query.to, 'to');
  return verdictBetween(compiled, from, to, query.port, protocol);
}

export function verdictBetween(
  compiled: CompiledCluster,
  from: ResolvedEnd,
  to: ResolvedEnd,
  port: number,
  protocol: Protocol,
): ConnectionVerdict {
  const egress =
    from.pod === undefined
      ? undefined
      : directionVerdict(compiled, 'egress', from.pod, to, port, protocol);
  const ingress =
    to.pod === undefined
      ? undefined
      : directionVerdict(compiled, 'ingress', to.pod, from, port, protocol);
  const unenforced: string[] = [];
  for (const [end, role] of [
    [from, 'source'],
    [to, 'destination'],
  ] as const) {
    if (end.pod !== undefined && compiled.pod(end.pod).hostNetwork) {
      unenforced.push(
        `${role} ${end.text} uses hostNetwork: NetworkPolicy and AdminNetworkPolicy are not enforced on it, and its traffic carries the node's address`,
      );
    }
  }
  return {
    from: from.text,
    to: to.text,
    port,
    protocol,
    allowed: (egress?.allowed ?? true) && (ingress?.allowed ?? true),
    ...(egress ? { egress } : {}),
    ...(ingress ? { ingress } : {}),
    unenforced,
  };
}

/** The first matching peer and port of a rule, or undefined when the rule does not match. */
function ruleMatch(
  compiled: CompiledCluster,
  rule: CompiledRule,
  direction: Direction,
  subject: number,
  peer: ResolvedEnd,
  port: number,
  protocol: Protocol,
): { peer: string; port: string } | undefined {
  const matchedPeer =
    rule.peers === undefined
      ? 'any peer'
      : rule.peers.find((p) => peerMatches(p, peer))?.description;
  if (matchedPeer === undefined) return undefined;
  const destination =
    direction === 'ingress'
      ? compiled.pod(subject)
      : peer.pod === undefined
        ? undefined
        : compiled.pod(peer.pod);
  const matchedPort = matchingPort(rule.ports, port, protocol, destination);
  if (matchedPort === undefined) return undefined;
  return { peer: matchedPeer, port: matchedPort === 'any' ? 'any port' : matchedPort.description };
}

function peerMatches(peer: CompiledPeer, end: ResolvedEnd): boolean {
  if (end.pod !== undefined) return peer.pods.has(end.pod);
  return peer.blocks.some((block) => ipBlockContains(block, end.address!));
}

function ref(
  policy: CompiledPolicy,
  rule: CompiledRule,
  match: { peer: string; port: string },
): RuleRef {
  return {
    kind: policy.kind,
    policy: policy.id,
    rule: rule.index,
    ...(rule.name ? { ruleName: rule.name } : {}),
    action: rule.action,
    ...match,
  };
}

function firstAdminMatch(
  compiled: CompiledCluster,
  policy: CompiledPolicy,
  direction: Direction,
  subject: number,
  peer: ResolvedEnd,
  port: number,
  protocol: Protocol,
): RuleRef | undefined {
  for (const rule of policy[direction] ?? []) {
    const match = ruleMatch(compiled, rule, direction, subject, peer, port, protocol);
    if (match) return ref(policy, rule, match);
  }
  return undefined;
}

/** "(ingress rule 2 'deny-b': pods pod=b in namespaces <all>, TCP 80)" */
function ruleText(r: RuleRef, direction: Direction): string {
  return `(${direction} rule ${r.rule}${r.ruleName ? ` '${r.ruleName}'` : ''}: ${r.peer}, ${r.port})`;
}

const VERBS = { Allow: 'allows', Deny: 'denies', Pass: 'passes' } as const;

export function directionVerdict(
  compiled: CompiledCluster,
  direction: Direction,
  subject: number,
  peer: ResolvedEnd,
  port: number,
  protocol: Protocol,
): DirectionVerdict {
  const selecting = compiled.selecting[direction];
  const pod = compiled.pod(subject).id;
  const what = `${direction} ${direction === 'ingress' ? `to ${pod} from` : `from ${pod} to`} ${peer.text} on ${protocol} ${port}`;
  const adminPolicies = selecting.admin[subject]!.map((p) => compiled.adminPolicies[p]!);
  const base = {
    direction,
    pod,
    adminNetworkPolicies: adminPolicies.map((p) => p.id),
    networkPolicies: selecting.network[subject]!.map((p) => compiled.networkPolicies[p]!.id),
  };
  let passed: RuleRef | undefined;
  for (const policy of adminPolicies) {
    const match = firstAdminMatch(compiled, policy, direction, subject, peer, port, protocol);
    if (!match) continue;
    if (match.action === 'Pass') {
      passed = match;
      break;
    }
    return {
      ...base,
      allowed: match.action === 'Allow',
      decidedBy: 'AdminNetworkPolicy',
      adminRule: match,
      allowedBy: [],
      reason: `${what}: AdminNetworkPolicy ${policy.id} (priority ${policy.priority}) ${VERBS[match.action]} it ${ruleText(match, direction)}`,
    };
  }
  const passedText = passed
    ? `AdminNetworkPolicy ${passed.policy} passed it on to NetworkPolicy ${ruleText(passed, direction)}; `
    : '';
  const adminRule = passed ? { adminRule: passed } : {};
  if (base.networkPolicies.length > 0) {
    const allowedBy: RuleRef[] = [];
    for (const p of selecting.network[subject]!) {
      const policy = compiled.networkPolicies[p]!;
      for (const rule of policy[direction]!) {
        const match = ruleMatch(compiled, rule, direction, subject, peer, port, protocol);
        if (match) allowedBy.push(ref(policy, rule, match));
      }
    }
    const first = allowedBy[0];
    return {
      ...base,
      ...adminRule,
      allowed: first !== undefined,
      decidedBy: 'NetworkPolicy',
      allowedBy,
      reason: first
        ? `${what}: ${passedText}allowed by NetworkPolicy ${first.policy} ${ruleText(first, direction)}${allowedBy.length > 1 ? ` and ${allowedBy.length - 1} more rule(s)` : ''}`
        : `${what}: ${passedText}${pod} is isolated for ${direction} by NetworkPolicy ${base.networkPolicies.join(', ')} and no rule of theirs admits it`,
    };
  }
  if (compiled.baseline && selecting.baseline[subject]) {
    const match = firstAdminMatch(
      compiled,
      compiled.baseline,
      direction,
      subject,
      peer,
      port,
      protocol,
    );
    if (match) {
      return {
        ...base,
        ...adminRule,
        allowed: match.action === 'Allow',
        decidedBy: 'BaselineAdminNetworkPolicy',
        allowedBy: [],
        baselineRule: match,
        reason: `${what}: ${passedText}no NetworkPolicy selects ${pod}; BaselineAdminNetworkPolicy ${match.policy} ${VERBS[match.action]} it ${ruleText(match, direction)}`,
      };
    }
  }
  return {
    ...base,
    ...adminRule,
    allowed: true,
    decidedBy: 'default',
    allowedBy: [],
    reason: `${what}: ${passedText}no policy selects ${pod} for ${direction} with a matching rule: allowed by default`,
  };
}

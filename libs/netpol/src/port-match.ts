// Whether a rule's ports admit a connection: protocol, number, range (endPort, portRange) or a named
// port resolved on the destination pod's container ports (for ingress and egress alike).
import type { Pod } from './cluster';
import type { ClusterIndex } from './cluster-index';
import type { CompiledPort } from './compiled-policies';
import type { Protocol } from './label-schema';
import { PodSet } from './pod-set';

export function portMatches(
  entry: CompiledPort,
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
): boolean {
  if (entry.protocol !== undefined && entry.protocol !== protocol) return false;
  if (entry.name !== undefined) {
    return (
      destination?.namedPorts.some(
        (named) => named.name === entry.name && named.port === port && named.protocol === protocol,
      ) ?? false
    );
  }
  return entry.start === undefined || (port >= entry.start && port <= entry.end!);
}

/** The first entry of `ports` that admits the connection; undefined ports admit everything. */
export function matchingPort(
  ports: readonly CompiledPort[] | undefined,
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
): CompiledPort | 'any' | undefined {
  if (ports === undefined) return 'any';
  return ports.find((entry) => portMatches(entry, port, protocol, destination));
}

/**
 * The destination pods whose connection on port/protocol `ports` admits: 'all' when a numeric entry
 * matches (or there are no entries), else the pods whose named container ports resolve to it.
 */
export function portTargets(
  index: ClusterIndex,
  ports: readonly CompiledPort[] | undefined,
  port: number,
  protocol: Protocol,
): PodSet | 'all' {
  if (ports === undefined) return 'all';
  let named: PodSet | undefined;
  for (const entry of ports) {
    if (entry.protocol !== undefined && entry.protocol !== protocol) continue;
    if (entry.name === undefined) {
      if (entry.start === undefined || (port >= entry.start && port <= entry.end!)) return 'all';
      continue;
    }
    named ??= new PodSet(index.size);
    for (const i of index.podsWithNamedPort(entry.name, port, protocol)) named.add(i);
  }
  return named ?? new PodSet(index.size);
}

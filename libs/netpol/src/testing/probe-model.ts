// Test-only: the probe model Kubernetes' e2e tests and Policy Assistant share (namespaces × pods,
// labelled pod=<name>, one container per port × protocol with a port named serve-<port>-<protocol>)
// as API objects, and an expectation table written the way upstream writes it.
import type { Protocol } from '../label-schema';

export interface ProbeModel {
  namespaces: readonly string[];
  pods: readonly string[];
  ports: readonly number[];
  protocols: readonly Protocol[];
  /** Extra namespace labels ("ns" → labels), added to the automatic one. */
  namespaceLabels?: Readonly<Record<string, Record<string, string>>>;
  /** Pod labels replacing the default pod=<name> ("ns/pod" → labels). */
  podLabels?: Readonly<Record<string, Record<string, string>>>;
  /** "ns/pod" → IP */
  podIPs?: Readonly<Record<string, string>>;
}

export function modelObjects(model: ProbeModel): unknown[] {
  const objects: unknown[] = [];
  for (const ns of model.namespaces) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { ...model.namespaceLabels?.[ns] } },
    });
  }
  for (const ns of model.namespaces) {
    for (const pod of model.pods) {
      const id = `${ns}/${pod}`;
      const ip = model.podIPs?.[id];
      objects.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod, namespace: ns, labels: model.podLabels?.[id] ?? { pod } },
        spec: {
          containers: model.ports.flatMap((port) =>
            model.protocols.map((protocol) => ({
              name: `cont-${port}-${protocol.toLowerCase()}`,
              ports: [
                { containerPort: port, name: `serve-${port}-${protocol.toLowerCase()}`, protocol },
              ],
            })),
          ),
        },
        ...(ip ? { status: { podIP: ip, podIPs: [{ ip }] } } : {}),
      });
    }
  }
  return objects;
}

/** A Peer of reachability.go: '*' any pod, 'x' a namespace, 'x/a' one pod. */
function peerMatches(peer: string, pod: string): boolean {
  if (peer === '*') return true;
  return peer.includes('/') ? peer === pod : pod.startsWith(`${peer}/`);
}

export type ExpectOp =
  | { peer: [string, string]; connected: boolean }
  | { allIngress: string; connected: boolean }
  | { allEgress: string; connected: boolean }
  | { expect: [string, string]; connected: boolean };

/** Upstream's NewReachability(pods, true) followed by its Expect* calls, in order: from → to → bool. */
export function expectedTable(
  pods: readonly string[],
  ops: readonly ExpectOp[],
): Map<string, boolean> {
  const table = new Map<string, boolean>();
  for (const from of pods) for (const to of pods) table.set(`${from}>${to}`, true);
  for (const op of ops) {
    for (const from of pods) {
      for (const to of pods) {
        let hit: boolean;
        if ('peer' in op) hit = peerMatches(op.peer[0], from) && peerMatches(op.peer[1], to);
        else if ('allIngress' in op) hit = to === op.allIngress;
        else if ('allEgress' in op) hit = from === op.allEgress;
        else hit = from === op.expect[0] && to === op.expect[1];
        if (hit) table.set(`${from}>${to}`, op.connected);
      }
    }
  }
  return table;
}

// Test-only: a twin following a real kube-apiserver, objects changed with kubectl, and the twin's
// GetGraph answer beside AttackGraph.build of everything kubectl lists (the full rebuild the
// issue compares with).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttackGraph, type PodReachability } from '@omega/attack-graph';
import { CompiledCluster, clusterFromManifests, evaluateConnection } from '@omega/netpol';
import { findKubeTools, runToolOk } from '@omega/chart';
import {
  GraphNodeKind,
  TwinServiceClient,
  type GraphEdge,
  type GraphNode,
  type TwinServiceService,
} from '@omega/proto';
import { createPromiseClient, type PromiseClient } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import type { KubeApiServer } from '@omega/testkit';
import type { TwinServiceConfig } from '../twin-service';
import { startTwin } from './start-twin';

/** Every kind the twin watches, as kubectl names them. */
export const KUBECTL_KINDS =
  'nodes,namespaces,pods,services,serviceaccounts,roles,clusterroles,rolebindings,clusterrolebindings,secrets,ingresses,networkpolicies';

/**
 * The twin reads Secrets as metadata (never their values): it knows a service-account token by its
 * account annotation and no other type, so a rebuild's Secret `type` is compared as '' otherwise.
 */
function asReadByTheTwin(node: GraphNode): GraphNode {
  if (node.kind !== GraphNodeKind.GRAPH_NODE_KIND_SECRET) return node;
  if (node.attributes['type'] === 'kubernetes.io/service-account-token') return node;
  return { ...node, attributes: { ...node.attributes, type: '' } };
}

/** NetworkPolicy reachability of a full list, decided by libs/netpol as the twin's is. */
function reachabilityOf(items: unknown[]): PodReachability {
  const kinds = new Set(['Namespace', 'Pod', 'NetworkPolicy']);
  const compiled = new CompiledCluster(
    clusterFromManifests(items.filter((i) => kinds.has((i as { kind: string }).kind))),
  );
  return (from, to, port) =>
    evaluateConnection(compiled, {
      from: { pod: `${from.metadata.namespace}/${from.metadata.name}` },
      to: { pod: `${to.metadata.namespace}/${to.metadata.name}` },
      port: port.port,
      protocol: port.protocol,
    }).allowed;
}

export class TwinOnKube {
  running!: RunningService<TwinServiceConfig>;
  client!: PromiseClient<typeof TwinServiceService>;
  private dir = '';
  private configFile = '';
  readonly kubectl = findKubeTools().kubectl;

  constructor(
    private readonly server: KubeApiServer,
    private readonly natsUrl: string,
  ) {}

  async start(twin: Record<string, unknown> = {}): Promise<void> {
    this.dir ||= await mkdtemp(join(tmpdir(), 'omega-twin-kube-'));
    this.configFile = join(this.dir, 'twin.json');
    const config = {
      twin: {
        kubernetes: {
          kubeconfigPath: this.server.kubeconfigPath,
          initialBackoffMs: 100,
          maxBackoffMs: 400,
          requestTimeoutMs: 5_000,
        },
        // The specs publish TELEMETRY without a sentinel identity; telemetry-signatures.spec.ts
        // checks that the default (require) refuses exactly that.
        observed: { flushIntervalMs: 100, signatures: 'allow-unsigned' },
        ...twin,
      },
    };
    await writeFile(this.configFile, JSON.stringify(config));
    await this.restart();
  }

  /** Starts the twin again with the same configuration (a restart when it was running). */
  async restart(): Promise<void> {
    await this.stop();
    this.running = await startTwin(this.natsUrl, { OMEGA_CONFIG_FILE: this.configFile });
    this.client = createPromiseClient(TwinServiceClient, `127.0.0.1:${this.running.grpcPort}`);
  }

  async stop(): Promise<void> {
    this.client?.close();
    await this.running?.service.shutdown('test step');
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  kubectlRun(args: string[], input?: string): Promise<string> {
    return runToolOk(this.kubectl, ['--kubeconfig', this.server.kubeconfigPath, ...args], {
      ...(input !== undefined ? { input } : {}),
    });
  }

  apply(manifests: object[]): Promise<string> {
    return this.kubectlRun(
      ['apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }),
    );
  }

  /** AttackGraph.build of every object kubectl lists, in GetGraph's shapes. */
  async rebuilt(): Promise<{ nodes: GraphNode[]; edges: GraphEdge[] }> {
    const list = JSON.parse(await this.kubectlRun(['get', KUBECTL_KINDS, '-A', '-o', 'json'])) as {
      items: unknown[];
    };
    const graph = AttackGraph.build(list.items, { reachability: reachabilityOf(list.items) });
    return {
      nodes: graph.vertices().map(asReadByTheTwin),
      edges: graph.edges().map(({ attack: _typed, ...edge }) => edge),
    };
  }

  /** The twin's whole graph now (configuration edges only). */
  async current(): Promise<{ nodes: GraphNode[]; edges: GraphEdge[]; snapshotId: string }> {
    const { graph } = await this.client.getGraph({
      namespaces: [],
      nodeKinds: [],
      includeObservedFlows: false,
      snapshotId: '',
    });
    return { nodes: graph!.nodes, edges: graph!.edges, snapshotId: graph!.snapshotId };
  }

  metric(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
    return (async () => {
      const metric = this.running.service.metrics.getSingleMetric(name);
      const values = (await metric?.get())?.values ?? [];
      const found = values.find((v) =>
        Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
      );
      return found?.value;
    })();
  }
}

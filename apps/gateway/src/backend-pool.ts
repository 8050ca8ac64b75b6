// Where each forwarded call goes: one channel per backend address, dialled with the gateway's own
// identity (mutual TLS checking the backend's certificate names the service or node expected).
import * as grpc from '@grpc/grpc-js';
import {
  Code,
  OmegaError,
  createLogger,
  grpcClientTracingInterceptor,
  type Logger,
} from '@omega/runtime';
import type { EnrollAs, ServiceName } from '@omega/service';
import type { GatewayConfig } from './gateway-config';
import type { Backend } from './forwarded-services';
import { SentinelDiscovery } from './sentinel-discovery';

/** The request header naming the node whose sentinel a SentinelService call is for. */
export const NODE_HEADER = 'omega-node';

/** A backend a call is forwarded to. */
export interface BackendTarget {
  /** `intelligence`, or `sentinel node-a` for a node's sentinel. */
  readonly name: string;
  readonly address: string;
  readonly client: grpc.Client;
}

export type PeerCredentials = (peer: ServiceName | EnrollAs) => grpc.ChannelCredentials;

export class BackendPool {
  private readonly clients = new Map<string, BackendTarget>();
  /** With `sentinelDiscovery: kubernetes`: the sentinel pods, by node. */
  readonly discovery: SentinelDiscovery | undefined;

  constructor(
    private readonly config: GatewayConfig,
    private readonly credentials: PeerCredentials,
    logger?: Logger,
  ) {
    if (config.sentinelDiscovery === 'kubernetes') {
      this.discovery = new SentinelDiscovery({
        namespace: config.sentinelNamespace,
        labelSelector: config.sentinelSelector,
        port: config.sentinelPort,
        kubeconfig: config.sentinelKubeconfig || undefined,
        logger: logger ?? createLogger({ service: 'gateway' }),
      });
    }
  }

  /** The backend that answers `method` (a SentinelService call: the node `omega-node` names). */
  target(backend: Backend, method: string, metadata: grpc.Metadata): BackendTarget {
    if (backend !== 'sentinel') {
      return this.client(backend, this.addressOf(backend), backend);
    }
    const named = metadata.get(NODE_HEADER)[0];
    const node = named === undefined ? this.config.sentinelNode : String(named);
    const address = this.sentinelAddress(node);
    if (address === undefined) {
      const known = this.sentinelNodes().join(', ') || 'none yet';
      const how =
        this.discovery === undefined
          ? 'set gateway.sentinelNodes'
          : `no sentinel pod (${this.config.sentinelSelector}) with an IP runs on it`;
      throw new OmegaError(
        Code.NotFound,
        `${method}: ${NODE_HEADER} names node '${node}', for which the gateway has no sentinel address (known: ${known}; ${how})`,
      );
    }
    return this.client(`sentinel ${node}`, address, { kind: 'sentinel', name: node });
  }

  /** Every backend the gateway knows, for GetServerInfo. */
  known(): { backend: Backend; target: BackendTarget }[] {
    const services = ['trust', 'intelligence', 'orchestrator', 'deception', 'twin'] as const;
    return [
      ...services.map((backend) => ({
        backend,
        target: this.client(backend, this.addressOf(backend), backend),
      })),
      ...this.sentinelNodes().map((node) => ({
        backend: 'sentinel' as const,
        target: this.client(`sentinel ${node}`, this.sentinelAddress(node) ?? '', {
          kind: 'sentinel',
          name: node,
        }),
      })),
    ];
  }

  close(): void {
    void this.discovery?.stop();
    for (const { client } of this.clients.values()) client.close();
    this.clients.clear();
  }

  private addressOf(backend: Exclude<Backend, 'sentinel'>): string {
    return this.config[`${backend}Address`];
  }

  private sentinelNodes(): string[] {
    if (this.discovery !== undefined) {
      return [
        ...new Set([...Object.keys(this.config.sentinelNodes), ...this.discovery.pods.nodes()]),
      ];
    }
    return [...new Set([this.config.sentinelNode, ...Object.keys(this.config.sentinelNodes)])];
  }

  private sentinelAddress(node: string): string | undefined {
    const listed = this.config.sentinelNodes[node];
    if (listed !== undefined) return listed;
    // Discovered, every node (the gateway's own too) is at its sentinel pod's address.
    if (this.discovery !== undefined) return this.discovery.pods.address(node);
    return node === this.config.sentinelNode ? this.config.sentinelAddress : undefined;
  }

  private client(name: string, address: string, peer: ServiceName | EnrollAs): BackendTarget {
    const key = `${name}@${address}`;
    let target = this.clients.get(key);
    if (target === undefined) {
      // The call to the backend is a child span of the caller's call: its trace goes on through.
      const client = new grpc.Client(address, this.credentials(peer), {
        interceptors: [grpcClientTracingInterceptor],
      });
      target = { name, address, client };
      this.clients.set(key, target);
    }
    return target;
  }
}

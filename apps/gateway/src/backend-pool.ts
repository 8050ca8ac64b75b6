// Where each forwarded call goes: one channel per backend address, dialled with the gateway's own
// identity (mutual TLS checking the backend's certificate names the service or node expected).
import * as grpc from '@grpc/grpc-js';
import { Code, OmegaError, grpcClientTracingInterceptor } from '@omega/runtime';
import type { EnrollAs, ServiceName } from '@omega/service';
import type { GatewayConfig } from './gateway-config';
import type { Backend } from './forwarded-services';

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

  constructor(
    private readonly config: GatewayConfig,
    private readonly credentials: PeerCredentials,
  ) {}

  /** The backend that answers `method` (a SentinelService call: the node `omega-node` names). */
  target(backend: Backend, method: string, metadata: grpc.Metadata): BackendTarget {
    if (backend !== 'sentinel') {
      return this.client(backend, this.addressOf(backend), backend);
    }
    const named = metadata.get(NODE_HEADER)[0];
    const node = named === undefined ? this.config.sentinelNode : String(named);
    const address = this.sentinelAddress(node);
    if (address === undefined) {
      const known = [this.config.sentinelNode, ...Object.keys(this.config.sentinelNodes)];
      throw new OmegaError(
        Code.NotFound,
        `${method}: ${NODE_HEADER} names node '${node}', for which the gateway has no sentinel address (known: ${[...new Set(known)].join(', ')}; set gateway.sentinelNodes)`,
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
    for (const { client } of this.clients.values()) client.close();
    this.clients.clear();
  }

  private addressOf(backend: Exclude<Backend, 'sentinel'>): string {
    return this.config[`${backend}Address`];
  }

  private sentinelNodes(): string[] {
    return [...new Set([this.config.sentinelNode, ...Object.keys(this.config.sentinelNodes)])];
  }

  private sentinelAddress(node: string): string | undefined {
    return (
      this.config.sentinelNodes[node] ??
      (node === this.config.sentinelNode ? this.config.sentinelAddress : undefined)
    );
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

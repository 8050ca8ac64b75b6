// The `deception` section of the service's configuration (OMEGA_DECEPTION_* variables or the file's
// `deception:` key); its settings arrive with the features that need them.
import { hostname } from 'node:os';
import { LOCAL_PORTS } from '@omega/service';
import { z } from 'zod';

/**
 * The canary URL listener's local port: after every port of LOCAL_PORTS (gRPC 50051–50057, the
 * gateway's web port 50058, metrics 9464–9470, console 8080). Elsewhere it keeps its distance to
 * the gRPC port (+4), so shifted stacks (`omega up --port-offset`) shift it too.
 */
export const DEFAULT_CANARY_PORT = 50059;

/** The canary listener when none is configured: loopback, the gRPC port + 4; 0 beside port 0. */
export function defaultCanaryListen(grpcPort: number): string {
  const port =
    grpcPort === 0 ? 0 : grpcPort + (DEFAULT_CANARY_PORT - LOCAL_PORTS.deception.grpcPort);
  return `127.0.0.1:${port}`;
}

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'host:port, e.g. 127.0.0.1:50059');

export const deceptionConfigSchema = z
  .strictObject({
    /**
     * `host:port` the canary URL listener binds (port 0: the OS picks one); default: 127.0.0.1 and
     * the gRPC port + 4 (50059 beside 50055).
     */
    canaryListen: hostPort.optional(),
    /**
     * The base of every minted canary URL, as people outside reach the listener (an Ingress or
     * load balancer in front of it); default: the listener's own `http://host:port`.
     */
    canaryBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
    honeytokens: z
      .strictObject({
        /** Most honeytokens kept; MintHoneytoken answers RESOURCE_EXHAUSTED beyond. */
        maxHoneytokens: z.int().positive().default(10_000),
        /** Least time between two trigger-count writes of one honeytoken. */
        triggerWriteIntervalMs: z.int().nonnegative().default(1_000),
      })
      .prefault({}),
    /** Planting Kubernetes honeytokens (MintHoneytoken plant=true) as Secrets. */
    kubernetes: z
      .strictObject({
        /** Plant KUBERNETES_SECRET and KUBERNETES_TOKEN honeytokens (needs RBAC on Secrets). */
        plant: z.boolean().default(false),
        /** `https://host:port`; default: the pod's KUBERNETES_SERVICE_HOST/PORT. */
        apiServerUrl: z.url({ protocol: /^https$/ }).optional(),
        /** Bearer token file; default: the pod's service-account token. */
        tokenPath: z.string().min(1).optional(),
        /** CA bundle of the API server; default: the pod's service-account CA. */
        caPath: z.string().min(1).optional(),
      })
      .prefault({}),
    /** Planting file honeytokens (MintHoneytoken kind FILE, plant=true) on this service's host. */
    files: z
      .strictObject({
        /**
         * Absolute directories files may be planted below (never over an existing file); empty:
         * files are minted for you to place, not planted.
         */
        plantRoots: z.array(z.string().regex(/^\/./, 'an absolute directory')).default([]),
      })
      .prefault({}),
    /** Append each mint and revocation to trust's audit log (needs an enrolled identity). */
    auditHoneytokens: z.boolean().default(true),
    /** `host:port` of trust's gRPC endpoint for the audit appends; default: enrollment.trustAddress. */
    trustAddress: z.string().min(1).optional(),
    /** Decoys this process runs (DeployDecoy): each a honeypot listener on `listenHost`. */
    decoys: z
      .strictObject({
        /** Address the decoys listen on; 0.0.0.0 to be reachable from other hosts. */
        listenHost: z.string().min(1).default('127.0.0.1'),
      })
      .prefault({}),
  })
  .prefault({});

export type DeceptionConfig = z.output<typeof deceptionConfigSchema>;

/**
 * The node this replica runs on, as the sentinels name it (their `sentinel.node` default:
 * $NODE_NAME or the host name, made a subject token): decoys' events and planted files' watches
 * carry it.
 */
export function deceptionNode(): string {
  return (process.env['NODE_NAME'] ?? hostname()).replace(/[.*>\s]/g, '-');
}

/** `host:port` (IPv6 hosts in brackets) split for listen(). */
export function parseListen(value: string): { host: string; port: number } {
  const at = value.lastIndexOf(':');
  return {
    host: value.slice(0, at).replace(/^\[(.*)\]$/, '$1'),
    port: Number(value.slice(at + 1)),
  };
}

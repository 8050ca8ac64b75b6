// The `deception` section of the service's configuration (OMEGA_DECEPTION_* variables or the file's
// `deception:` key); its settings arrive with the features that need them.
import { hostname } from 'node:os';
import { LOCAL_PORTS } from '@omega/service';
import { z } from 'zod';
import { ignoreConfigSchema } from './ignore-list';

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

const dnsName = z
  .string()
  .max(200)
  .regex(
    /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/i,
    'a DNS name such as canary.example.com',
  )
  .transform((name) => name.toLowerCase().replace(/\.$/, ''));

const kubeWebhookSchema = z.strictObject({
  /** `host:port` the webhook listener binds, e.g. 0.0.0.0:8443. */
  listen: hostPort,
  /** PEM certificate and key the listener serves (kube-apiserver checks them against its CA). */
  tlsCertPath: z.string().min(1),
  tlsKeyPath: z.string().min(1),
  /** PEM CA bundle that signed kube-apiserver's client certificate: no other client is served. */
  clientCaPath: z.string().min(1),
  /** Common names or DNS SANs the client certificate must carry; empty: any the CA signed. */
  clientNames: z.array(z.string().min(1)).default([]),
  /** Users whose Secret reads are not touches (controllers that list every Secret), exact names. */
  ignoreUsers: z.array(z.string().min(1)).default([]),
  /** A list or watch of Secrets in a planted Secret's namespace counts as reading it. */
  listReads: z.boolean().default(true),
});

const dnsCanarySchema = z.strictObject({
  /** The delegated zone canary hostnames are minted under, e.g. canary.example.com. */
  zone: dnsName,
  /** `host:port` the responder binds for UDP and TCP, e.g. 0.0.0.0:53. */
  listen: hostPort,
  /** The zone's name servers (NS records and the SOA's primary); default: ns1.<zone>. */
  nameServers: z.array(dnsName).min(1).optional(),
  /** The SOA's responsible mailbox as a name; default: hostmaster.<zone>. */
  hostmaster: dnsName.optional(),
  /** Queries answered per source address and second (a burst of twice as many); past it dropped. */
  queriesPerSecondPerSource: z.int().positive().max(10_000).default(20),
  /** TCP connections served at once; more are closed on accept. */
  maxTcpConnections: z.int().positive().max(10_000).default(64),
});

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a DNS label (lower case, digits, -)');

/** Kubernetes placement of decoys; secure defaults: no namespace allowed until listed. */
const decoysKubernetesSchema = z
  .strictObject({
    /** Namespaces decoys may be placed in (the chart's `deception.namespaces`); empty: none. */
    namespaces: z.array(dnsLabel).max(64).default([]),
    /** The relay image the decoy pods run; give it a neutral name (readers of Deployments see it). */
    relayImage: z.string().min(1).max(512).optional(),
    /** The relay's entry point when the image's own is not it; default: the image's. */
    relayCommand: z.array(z.string().min(1).max(256)).max(8).default([]),
    /** `host:port` of this service's relay listener as pods reach it (a ClusterIP says least). */
    relayUpstream: hostPort.optional(),
    /**
     * The decoy NetworkPolicy's only egress peer, the deception pods: their namespace and pod
     * labels, or a CIDR holding them (says less to readers of NetworkPolicies).
     */
    relayPeer: z
      .union([
        z.strictObject({
          namespace: dnsLabel,
          podLabels: z.record(z.string().min(1).max(253), z.string().max(63)),
        }),
        z.strictObject({ cidr: z.cidrv4().or(z.cidrv6()) }),
      ])
      .optional(),
    /** `host:port` this service's relay listener binds (the chart's Service must expose it). */
    relayListen: hostPort.default('0.0.0.0:50060'),
    /** CIDRs the relay pods' addresses are in (the pod network); a connection from elsewhere is closed. */
    relaySources: z.array(z.cidrv4().or(z.cidrv6())).max(64).default([]),
    /** Time between two reconcile passes. */
    reconcileIntervalMs: z.int().min(1_000).default(30_000),
    /** Deadline of each call to the API server. */
    requestTimeoutMs: z.int().positive().max(120_000).default(10_000),
    /** Most Deployments (and Services) of a namespace read to copy from. */
    listLimit: z.int().min(1).max(1_000).default(500),
    /** Most decoy records one reconcile pass reads. */
    maxDecoys: z.int().min(1).max(10_000).default(1_000),
  })
  .prefault({});

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
        /** How often expired honeytokens (and old request_id records) are removed. */
        sweepIntervalMs: z.int().min(1_000).default(60_000),
        /** Most expired honeytokens, and request_id records per bucket, one sweep removes. */
        sweepBatch: z.int().positive().max(10_000).default(100),
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
        /**
         * The HTTPS endpoint kube-apiserver's audit webhook (`/audit`) and token-authentication
         * webhook (`/authenticate`) post to, authenticated by mutual TLS; off unless set.
         */
        webhook: kubeWebhookSchema.optional(),
      })
      .prefault({}),
    /** The authoritative DNS responder for DNS canaries under a delegated zone; off unless set. */
    dns: dnsCanarySchema.optional(),
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
    /**
     * Interactions not to publish as alert-capable events (counted in
     * omega_deception_interactions_ignored_total by reason): source CIDRs, decoy ports and client
     * software identities. A honeytoken use is never ignored.
     */
    ignore: ignoreConfigSchema,
    /**
     * Append interactions that can raise an alert to trust's audit log, at most
     * `maxEntriesPerMinute` one by one and the rest as one counted summary per minute.
     */
    auditInteractions: z
      .strictObject({
        enabled: z.boolean().default(true),
        maxEntriesPerMinute: z.int().positive().max(10_000).default(60),
      })
      .prefault({}),
    /**
     * Where DeployDecoy places decoys: `local` (default), honeypot listeners of this process on
     * `listenHost`; `kubernetes`, a Deployment, Service and NetworkPolicy in one of
     * `kubernetes.namespaces` whose pod relays each connection here (docs/deception.md).
     */
    decoys: z
      .strictObject({
        placement: z.enum(['local', 'kubernetes']).default('local'),
        /** Address the decoys listen on; 0.0.0.0 to be reachable from other hosts. */
        listenHost: z.string().min(1).default('127.0.0.1'),
        kubernetes: decoysKubernetesSchema,
      })
      .prefault({})
      .superRefine((decoys, ctx) => {
        if (decoys.placement !== 'kubernetes') return;
        const k = decoys.kubernetes;
        for (const [field, missing] of [
          ['relayImage', k.relayImage === undefined],
          ['relayUpstream', k.relayUpstream === undefined],
          ['relayPeer', k.relayPeer === undefined],
          ['relaySources', k.relaySources.length === 0],
        ] as const) {
          if (missing) {
            ctx.addIssue({
              code: 'custom',
              path: ['kubernetes', field],
              message: `required with placement: kubernetes`,
            });
          }
        }
      }),
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
export type KubeWebhookConfig = z.output<typeof kubeWebhookSchema>;
export type DnsCanaryConfig = z.output<typeof dnsCanarySchema>;

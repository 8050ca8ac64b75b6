// The `gateway` section of the service's configuration (OMEGA_GATEWAY_* variables or the file's
// `gateway:` key): where each backend the gateway forwards to listens.
import { hostname } from 'node:os';
import { LOCAL_PORTS } from '@omega/service';
import { z } from 'zod';
import { ROLES } from './gateway-roles';

const local = (service: keyof typeof LOCAL_PORTS) => `127.0.0.1:${LOCAL_PORTS[service].grpcPort}`;
const address = () => z.string().min(1);

/** An origin as browsers send it (`https://console.example.com`, `http://localhost:5173`). */
const originSchema = z.string().refine(
  (value) => {
    try {
      return !value.includes('*') && new URL(value).origin === value;
    } catch {
      return false;
    }
  },
  { message: 'expected an exact origin, scheme://host[:port] with no path or wildcard' },
);

const webConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Default: the gRPC port + 7 (50058 on one machine); 0 with an ephemeral gRPC port. */
    port: z.int().min(0).max(65_535).optional(),
    /** Origins whose pages may call the port cross-origin (CORS); empty: same origin only. */
    allowedOrigins: z.array(originSchema).default([]),
    /**
     * The web console's build served on GET (console-files.ts); default: apps/console/dist beside
     * the gateway's own build, when there is one.
     */
    consoleDir: z.string().min(1).optional(),
    /** A request body larger than this is refused (413, resource_exhausted). 4 MiB. */
    maxRequestBytes: z
      .int()
      .positive()
      .default(4 * 1024 * 1024),
  })
  .prefault({});

export const gatewayConfigSchema = z
  .strictObject({
    trustAddress: address().default(local('trust')),
    intelligenceAddress: address().default(local('intelligence')),
    orchestratorAddress: address().default(local('orchestrator')),
    deceptionAddress: address().default(local('deception')),
    twinAddress: address().default(local('twin')),
    /**
     * The node a SentinelService call without an `omega-node` header goes to, and the one at
     * `sentinelAddress`; by default the name a sentinel on this machine gives itself.
     */
    sentinelNode: z
      .string()
      .min(1)
      .default((process.env['NODE_NAME'] ?? hostname()).replace(/[.*>\s]/g, '-')),
    sentinelAddress: address().default(local('sentinel')),
    /** Other sentinels by node name (`{"node-b": "10.0.0.7:50057"}`), chosen by `omega-node`. */
    sentinelNodes: z.record(z.string().min(1), address()).default({}),
    /**
     * How other nodes' sentinels are found: `static` (only `sentinelNodes`), or `kubernetes`: the
     * sentinel pods in `sentinelNamespace` matching `sentinelSelector`, each node's at its pod IP
     * (the node's address: sentinels use the host network) and `sentinelPort`
     * (sentinel-discovery.ts). `sentinelNodes` entries still win.
     */
    sentinelDiscovery: z.enum(['static', 'kubernetes']).default('static'),
    sentinelPort: z.int().min(1).max(65_535).default(LOCAL_PORTS.sentinel.grpcPort),
    /** Default: the gateway pod's own namespace (its service-account mount). */
    sentinelNamespace: z.string().default(''),
    sentinelSelector: z.string().min(1).default('app.kubernetes.io/component=sentinel'),
    /** A kubeconfig file for discovery; default: the pod's service account (in the cluster). */
    sentinelKubeconfig: z.string().default(''),
    /** Per principal (a certificate's identity; without TLS, an address), on forwarded calls. */
    limits: z
      .strictObject({
        /** Calls a principal may start per second, on average. */
        callsPerSecond: z.number().positive().default(200),
        /** Calls a principal may start at once after being idle. */
        burst: z.int().positive().default(400),
        /** Server streams (StreamAlerts, WatchWorkflow) a principal may hold open at once. */
        maxStreams: z.int().positive().default(32),
        /**
         * Per role (a caller's highest), what differs from the above, e.g.
         * `{"viewer": {"callsPerSecond": 20, "burst": 40}}`.
         */
        roles: z
          .partialRecord(
            z.enum(ROLES),
            z.strictObject({
              callsPerSecond: z.number().positive().optional(),
              burst: z.int().positive().optional(),
              maxStreams: z.int().positive().optional(),
            }),
          )
          .default({}),
      })
      .prefault({}),
    /** Bearer tokens (CreateToken): lifetimes and how many the gateway keeps. */
    tokens: z
      .strictObject({
        /** Lifetime when CreateToken names none (12 h). */
        defaultTtlSeconds: z
          .int()
          .positive()
          .default(12 * 3600),
        /** Longest lifetime granted whatever is asked (7 days). */
        maxTtlSeconds: z
          .int()
          .positive()
          .default(7 * 24 * 3600),
        /** Unexpired tokens kept at most; CreateToken answers RESOURCE_EXHAUSTED beyond. */
        maxTokens: z.int().positive().max(100_000).default(10_000),
        /** A refused state-changing call is logged at most once per principal and method in this window. */
        denialAuditWindowSeconds: z.int().positive().default(60),
      })
      .prefault({}),
    /** The browser protocol (Connect and gRPC-Web) on its own HTTPS port, for the web console. */
    web: webConfigSchema,
    /**
     * In Kubernetes: the Secret (created empty by the chart) the gateway writes a first admin
     * token into at its first start; empty = none (omega up prints one instead).
     */
    firstAdminToken: z
      .strictObject({
        kubernetesSecret: z.string().default(''),
        /** Default: the pod's namespace (its service-account mount). */
        namespace: z.string().default(''),
      })
      .prefault({}),
    /** How long GetServerInfo waits for each backend's health answer. */
    healthCheckTimeoutMs: z.int().positive().default(2_000),
  })
  .prefault({});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

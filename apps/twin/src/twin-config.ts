// The `twin` section of the service's configuration (OMEGA_TWIN_* variables or the file's
// `twin:` key): where the Kubernetes API is and how much of it is held, what is observed from the
// bus, how many snapshots are kept, and the defaults and bounds of answers.
import { SIGNATURE_POLICIES } from '@omega/service';
import { z } from 'zod';
import { envConfigSchema } from './env-rpc';

const MiB = 1024 * 1024;

const kubernetesSchema = z
  .strictObject({
    /** Follow a Kubernetes API server (without it the graph stays empty). */
    enabled: z.boolean().default(true),
    /** kubeconfig file; '' uses the pod's service account (or $KUBECONFIG, ~/.kube/config). */
    kubeconfigPath: z.string().default(''),
    /**
     * NetworkPolicy (NETWORK_REACH) edges are drawn when the cluster has at most this many pods
     * when the graph is first built: every allowed pod pair and port is an edge; 0: never.
     */
    reachabilityMaxPods: z.int().min(0).max(100_000).default(2_000),
    /** Most objects held; one more is refused, logged and counted. */
    maxObjects: z.int().positive().max(5_000_000).default(200_000),
    /** Objects asked per list page. */
    pageSize: z.int().min(1).max(5_000).default(500),
    /** Largest list page or watch event accepted. */
    maxMessageBytes: z
      .int()
      .min(64 * 1024)
      .max(256 * MiB)
      .default(16 * MiB),
    /** Longest silence of a list request before it is given up (and retried). */
    requestTimeoutMs: z.int().min(100).max(600_000).default(30_000),
    /** How long the API server keeps one watch open before the next. */
    watchTimeoutSeconds: z.int().min(1).max(3_600).default(300),
    /** First wait after a failed list or watch, doubled per failure up to maxBackoffMs. */
    initialBackoffMs: z.int().min(10).max(60_000).default(500),
    maxBackoffMs: z.int().min(10).max(600_000).default(30_000),
  })
  .prefault({});

const observedSchema = z
  .strictObject({
    /** Consume TELEMETRY (flows) and ALERTS (alerted vertices). */
    enabled: z.boolean().default(true),
    /**
     * `require`: only TELEMETRY batches whose signature verifies against a key trust issued their
     * sender (as intelligence does), so a forged batch never adds an observed flow — which would
     * make SimulateWhatIf report broken flows and hold back an isolation. `allow-unsigned` also
     * admits batches with no signature at all (never a bad one): development stacks only.
     */
    signatures: z.enum(SIGNATURE_POLICIES).default('require'),
    /** Oldest batch accepted, by its sealing time. */
    maxBatchAgeMs: z.int().positive().default(3_600_000),
    /** How far ahead of this clock a sender's clock may be. */
    maxClockSkewMs: z.int().nonnegative().default(60_000),
    /** How long a sender's identity is cached (a revocation takes effect within it). */
    senderCacheMs: z.int().nonnegative().default(30_000),
    /** Most NETWORK_OBSERVED edges kept; the least recently seen goes first. */
    maxFlows: z.int().positive().max(1_000_000).default(50_000),
    /** Most open alerts kept. */
    maxAlerts: z.int().positive().max(1_000_000).default(10_000),
    /** How often observed state is written to the omega_twin bucket. */
    flushIntervalMs: z.int().min(100).max(600_000).default(2_000),
    /** An alert older than this stops marking its vertices. */
    alertTtlMs: z
      .int()
      .min(1_000)
      .default(24 * 3_600_000),
    /** Most decoys (from deception's omega_decoys bucket) drawn as DECOY vertices. */
    maxDecoys: z.int().positive().max(100_000).default(10_000),
    /** Wait before reading omega_decoys again when it is missing (deception not deployed yet). */
    decoysRetryMs: z.int().min(100).max(3_600_000).default(30_000),
  })
  .prefault({});

export const twinConfigSchema = z
  .strictObject({
    kubernetes: kubernetesSchema,
    observed: observedSchema,
    snapshots: z
      .strictObject({
        /** Snapshots kept for snapshot_id answers. */
        keep: z.int().min(1).max(64).default(8),
        /** Oldest snapshot kept. */
        ttlMs: z.int().min(1_000).max(86_400_000).default(600_000),
      })
      .prefault({}),
    paths: z
      .strictObject({
        /** Paths FindAttackPaths answers when max_paths is 0 (at most 100). */
        maxPaths: z.int().min(1).max(100).default(10),
        /** Longest path when max_depth is 0 (at most 32). */
        maxDepth: z.int().min(1).max(32).default(8),
      })
      .prefault({}),
    exposure: z
      .strictObject({
        /** Monte-Carlo runs AssessExposure makes when the request says 0. */
        iterations: z.int().min(1).max(1_000_000).default(2_000),
        /** Most runs one request may ask for. */
        maxIterations: z.int().min(1).max(1_000_000).default(100_000),
        /** Chokepoints AssessExposure returns when the request says 0 (at most 1,000). */
        chokepoints: z.int().min(1).max(1_000).default(10),
      })
      .prefault({}),
    /** RL episodes (ResetEnv / StepEnv / CloseEnv). */
    env: envConfigSchema,
    /** Most nodes plus edges one GetGraph answers (filters narrow a larger graph). */
    maxGraphElements: z.int().positive().max(5_000_000).default(200_000),
  })
  .prefault({});

export type TwinConfig = z.output<typeof twinConfigSchema>;

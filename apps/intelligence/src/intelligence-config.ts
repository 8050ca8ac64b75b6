// The `intelligence` section of the service's configuration.
import { join } from 'node:path';
import { z } from 'zod';
import { SIGNATURE_POLICIES } from '@omega/service';
import { outputsConfigSchema } from './outputs/outputs-config';

/** The curated pack shipped beside the service: apps/intelligence/rules (from src/ or dist/). */
export const SHIPPED_RULES_DIR = join(__dirname, '..', 'rules');

export const intelligenceConfigSchema = z
  .strictObject({
    /** Directory of Sigma rule files (*.yml, recursively); default: the shipped pack. */
    rulesDir: z.string().min(1).default(SHIPPED_RULES_DIR),
    /**
     * Operators' own rule directories (the chart's customRules, a rules volume), run beside the
     * pack and reloaded when their files change; a change with a broken rule is refused as a whole
     * and the rules loaded before stay (docs/custom-rules.md).
     */
    customRulesDirs: z.array(z.string().min(1)).max(16).default([]),
    /** One alert per (rule, entity) per window of this length. */
    suppressionWindowMs: z.int().positive().default(60_000),
    /** Handler attempts on a telemetry batch before it is dead-lettered. */
    maxDeliver: z.int().positive().default(5),
    /**
     * `require`: only batches whose signature verifies against a key trust issued their sender.
     * `allow-unsigned` also admits batches with no signature at all (never a bad one): for a
     * development stack whose sentinels do not sign yet.
     */
    signatures: z.enum(SIGNATURE_POLICIES).default('require'),
    /** Oldest batch accepted, by its sealing time (a backlog older than this is rejected). */
    maxBatchAgeMs: z.int().positive().default(3_600_000),
    /** How far ahead of this clock a sender's clock may be. */
    maxClockSkewMs: z.int().nonnegative().default(60_000),
    /** How long a sender's identity is cached (a revocation takes effect within it). */
    senderCacheMs: z.int().nonnegative().default(30_000),
    /**
     * Quiet time after which an entity's next alert opens a new incident. Longer than any detector
     * waits before reporting a persisting finding again (a beacon: an hour after its last report, at
     * its next hourly scoring), so an implant that keeps calling home stays one incident.
     */
    incidentGapMs: z
      .int()
      .positive()
      .default(3 * 3600_000),
    /**
     * Replicas that split TELEMETRY by node (each node's entities' detector state in one place);
     * run one replica per partition (a StatefulSet's ordinal as `partition`).
     */
    partitions: z.int().positive().default(1),
    /** This replica's partition, 0 ≤ partition < partitions. */
    partition: z.int().nonnegative().default(0),
    /** Append every alert to trust's audit log (retried while trust is unavailable). */
    auditAlerts: z.boolean().default(true),
    /** `host:port` of trust's gRPC endpoint for the audit appends; default: enrollment.trustAddress. */
    trustAddress: z.string().min(1).optional(),
    /** Lua rule scripts (docs/lua-rules.md): limits per script. */
    lua: z
      .strictObject({
        /** VM instructions one call (on_event, or the top-level chunk at load) may run. */
        instructionBudget: z.int().positive().max(100_000_000).default(100_000),
        /** Bytes a script's Lua state may hold, its per-entity state included. */
        memoryBytes: z
          .int()
          .min(256 * 1024)
          .max(256 * 1024 * 1024)
          .default(16 * 1024 * 1024),
        /** Faults (error, budget, memory) after which a script is disabled until loaded again. */
        maxFaults: z.int().positive().default(5),
        /** Entities whose state a script keeps; the least recently seen is forgotten past it. */
        maxEntities: z.int().positive().max(1_000_000).default(10_000),
      })
      .prefault({}),
    /**
     * Where alerts go besides ALERTS: stdout, falcosidekick, ocsf-webhook, kafka, alertmanager,
     * syslog; each with its own queue, retries and timeout (docs/alert-outputs.md).
     */
    outputs: outputsConfigSchema,
    /** Alerts older than this when an output reads them are not sent (counted as stale). */
    outputMaxAlertAgeMs: z.int().positive().default(3_600_000),
  })
  .refine((c) => c.partition < c.partitions, {
    message: 'intelligence.partition must be less than intelligence.partitions',
    path: ['partition'],
  })
  .prefault({});

export type IntelligenceConfig = z.output<typeof intelligenceConfigSchema>;

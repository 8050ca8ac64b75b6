// The `trust` section of trust's configuration that the key store and the audit log read.
import { z } from 'zod';

export const trustConfigSchema = z
  .strictObject({
    /** Sealed key files (0600, directory 0700); in Kubernetes the chart mounts a Secret here. */
    keyDir: z.string().min(1).default('.omega/trust/keys'),
    /** Checkpoint origin line and note key name of the audit log. */
    logOrigin: z.string().min(1).default('omega.local/audit'),
    /** The tlog-tiles HTTP server (checkpoint, tiles, entry bundles); 0 picks a free port. */
    tlogHost: z.string().min(1).default('0.0.0.0'),
    tlogPort: z.int().min(0).max(65535).default(8081),
    /** Appends per batch at most, and how long the first append of a batch waits for company. */
    maxBatchEntries: z.int().positive().default(1024),
    flushDelayMs: z.int().min(0).default(2),
  })
  .prefault({});

export type TrustConfig = z.output<typeof trustConfigSchema>;

// The `intelligence` section of the service's configuration.
import { join } from 'node:path';
import { z } from 'zod';

/** The curated pack shipped beside the service: apps/intelligence/rules (from src/ or dist/). */
export const SHIPPED_RULES_DIR = join(__dirname, '..', 'rules');

export const intelligenceConfigSchema = z
  .strictObject({
    /** Directory of Sigma rule files (*.yml, recursively); default: the shipped pack. */
    rulesDir: z.string().min(1).default(SHIPPED_RULES_DIR),
    /** One alert per (rule, entity) per window of this length. */
    suppressionWindowMs: z.int().positive().default(60_000),
    /** Handler attempts on a telemetry batch before it is dead-lettered. */
    maxDeliver: z.int().positive().default(5),
  })
  .prefault({});

export type IntelligenceConfig = z.output<typeof intelligenceConfigSchema>;

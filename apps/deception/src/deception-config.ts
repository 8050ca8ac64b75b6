// The `deception` section of the service's configuration (OMEGA_DECEPTION_* variables or the file's
// `deception:` key); its settings arrive with the features that need them.
import { z } from 'zod';

export const deceptionConfigSchema = z.strictObject({}).prefault({});

export type DeceptionConfig = z.output<typeof deceptionConfigSchema>;

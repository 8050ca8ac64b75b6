// The `twin` section of the service's configuration (OMEGA_TWIN_* variables or the file's
// `twin:` key); its settings arrive with the features that need them.
import { z } from 'zod';
import { envConfigSchema } from './env-rpc';

export const twinConfigSchema = z.strictObject({ env: envConfigSchema }).prefault({});

export type TwinConfig = z.output<typeof twinConfigSchema>;

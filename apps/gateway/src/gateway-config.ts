// The `gateway` section of the service's configuration (OMEGA_GATEWAY_* variables or the file's
// `gateway:` key); its settings arrive with the features that need them.
import { z } from 'zod';

export const gatewayConfigSchema = z.strictObject({}).prefault({});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

// Trust's configuration: the settings every service has, the `trust` section (key store, audit
// log) and the `identity` section (enrollment, credentials, certificates).
import { baseConfigSchema } from '@omega/runtime';
import type { z } from 'zod';
import { trustConfigSchema } from './audit/audit-config';
import { identityConfigSchema } from './identity/identity-config';

export const trustServiceConfigSchema = baseConfigSchema.extend({
  trust: trustConfigSchema,
  identity: identityConfigSchema,
});

export type TrustServiceConfig = z.output<typeof trustServiceConfigSchema>;

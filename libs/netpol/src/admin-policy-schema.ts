// AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1, from
// sigs.k8s.io/network-policy-api), validated with the CRDs' field names, enums and bounds.
import { z } from 'zod';
import { parseCidr } from './ip-block';
import {
  labelSelectorSchema,
  LIMITS,
  metadataSchema,
  portNameSchema,
  portNumberSchema,
  protocolSchema,
} from './label-schema';

const namespacedPodSchema = z.object({
  namespaceSelector: labelSelectorSchema,
  podSelector: labelSelectorSchema,
});

/** Exactly one of the given fields set, as the CRDs' maxProperties/minProperties: 1 require. */
function exactlyOne<T extends Record<string, unknown>>(fields: readonly (keyof T & string)[]) {
  return (value: T, ctx: z.RefinementCtx) => {
    const set = fields.filter((f) => value[f] != null);
    if (set.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `needs exactly one of ${fields.join(', ')} (has ${set.length === 0 ? 'none' : set.join(', ')})`,
      });
    }
  };
}

const subjectSchema = z
  .object({ namespaces: labelSelectorSchema.nullish(), pods: namespacedPodSchema.nullish() })
  .superRefine(exactlyOne(['namespaces', 'pods']));

const ingressPeerSchema = z
  .object({ namespaces: labelSelectorSchema.nullish(), pods: namespacedPodSchema.nullish() })
  .superRefine(exactlyOne(['namespaces', 'pods']));

const cidrSchema = z
  .string()
  .max(LIMITS.nameLength)
  .refine(
    (text) => parseCidr(text) !== undefined,
    'must be a CIDR such as 10.0.0.0/8 or fd00::/64',
  );

const egressPeerSchema = z
  .object({
    namespaces: labelSelectorSchema.nullish(),
    pods: namespacedPodSchema.nullish(),
    nodes: labelSelectorSchema.nullish(),
    networks: z.array(cidrSchema).min(1).max(25).nullish(),
    domainNames: z.array(z.string().max(LIMITS.nameLength)).min(1).max(25).nullish(),
  })
  .superRefine(exactlyOne(['namespaces', 'pods', 'nodes', 'networks', 'domainNames']));

const adminPortSchema = z
  .object({
    portNumber: z
      .object({ protocol: protocolSchema.default('TCP'), port: portNumberSchema })
      .nullish(),
    namedPort: portNameSchema.nullish(),
    portRange: z
      .object({
        protocol: protocolSchema.default('TCP'),
        start: portNumberSchema,
        end: portNumberSchema,
      })
      .refine((range) => range.end >= range.start, {
        message: 'end must be at least start',
        path: ['end'],
      })
      .nullish(),
  })
  .superRefine(exactlyOne(['portNumber', 'namedPort', 'portRange']));

const portsSchema = z.array(adminPortSchema).min(1).max(100).nullish();

const ingressRule = <A extends z.ZodType>(action: A) =>
  z.object({
    name: z.string().max(100).nullish(),
    action,
    from: z.array(ingressPeerSchema).min(1).max(100),
    ports: portsSchema,
  });

const egressRule = <A extends z.ZodType>(action: A) =>
  z.object({
    name: z.string().max(100).nullish(),
    action,
    to: z.array(egressPeerSchema).min(1).max(100),
    ports: portsSchema,
  });

const anpAction = z.enum(['Allow', 'Deny', 'Pass']);
const banpAction = z.enum(['Allow', 'Deny']);

export const adminNetworkPolicySchema = z.object({
  apiVersion: z.literal('policy.networking.k8s.io/v1alpha1').optional(),
  kind: z.literal('AdminNetworkPolicy').optional(),
  metadata: metadataSchema.omit({ namespace: true }),
  spec: z.object({
    priority: z.number().int().min(0).max(1000),
    subject: subjectSchema,
    ingress: z.array(ingressRule(anpAction)).max(100).nullish(),
    egress: z.array(egressRule(anpAction)).max(100).nullish(),
  }),
});

export const baselineAdminNetworkPolicySchema = z.object({
  apiVersion: z.literal('policy.networking.k8s.io/v1alpha1').optional(),
  kind: z.literal('BaselineAdminNetworkPolicy').optional(),
  metadata: metadataSchema.omit({ namespace: true }),
  spec: z.object({
    subject: subjectSchema,
    ingress: z.array(ingressRule(banpAction)).max(100).nullish(),
    egress: z.array(egressRule(banpAction)).max(100).nullish(),
  }),
});

export type AdminNetworkPolicyObject = z.output<typeof adminNetworkPolicySchema>;
export type BaselineAdminNetworkPolicyObject = z.output<typeof baselineAdminNetworkPolicySchema>;
export type AdminPort = z.output<typeof adminPortSchema>;
export type AdminSubject = z.output<typeof subjectSchema>;
export type AdminEgressPeer = z.output<typeof egressPeerSchema>;
export type AdminAction = z.output<typeof anpAction>;

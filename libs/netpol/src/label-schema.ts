// The shapes shared by every kind: object metadata and metav1.LabelSelector, with Kubernetes' field
// names so manifests parse straight in, and the bounds every input is held to.
import { z } from 'zod';

/** Bounds on input: a cluster snapshot past these is refused, not evaluated slowly. */
export const LIMITS = {
  /** Pods, Services, policies of each kind, namespaces: each list at most this long. */
  objectsPerKind: 200_000,
  /** Labels on one object, entries in one matchLabels, values in one expression. */
  entriesPerMap: 256,
  /** Rules in one policy, peers in one rule, ports in one rule, expressions in one selector. */
  entriesPerList: 1_000,
  /** A label key (prefix/name), a name, a CIDR, a port name. */
  nameLength: 317,
  /** A label value. */
  valueLength: 63,
} as const;

export const nameSchema = z.string().min(1).max(LIMITS.nameLength);
const labelValueSchema = z.string().max(LIMITS.valueLength);

/** A label map, bounded in size (`null` in YAML reads as no labels). */
export const labelsSchema = z
  .record(nameSchema, labelValueSchema)
  .refine((labels) => Object.keys(labels).length <= LIMITS.entriesPerMap, {
    message: `more than ${LIMITS.entriesPerMap} labels`,
  });

export const metadataSchema = z.object({
  name: nameSchema,
  namespace: nameSchema.optional(),
  labels: labelsSchema.nullish(),
});

const selectorRequirementSchema = z
  .object({
    key: nameSchema,
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
    values: z.array(labelValueSchema).max(LIMITS.entriesPerMap).nullish(),
  })
  .superRefine((req, ctx) => {
    const count = req.values?.length ?? 0;
    if ((req.operator === 'In' || req.operator === 'NotIn') && count === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: `operator ${req.operator} needs at least one value`,
      });
    }
    if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && count > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: `operator ${req.operator} takes no values`,
      });
    }
  });

/** metav1.LabelSelector: matchLabels AND every matchExpression; empty selects everything. */
export const labelSelectorSchema = z.object({
  matchLabels: labelsSchema.nullish(),
  matchExpressions: z.array(selectorRequirementSchema).max(LIMITS.entriesPerList).nullish(),
});

export type LabelSelector = z.output<typeof labelSelectorSchema>;
export type Labels = Readonly<Record<string, string>>;

export const protocolSchema = z.enum(['TCP', 'UDP', 'SCTP']);
export type Protocol = z.output<typeof protocolSchema>;

export const portNumberSchema = z.number().int().min(1).max(65535);

/** An IANA_SVC_NAME as a container port's name: at most 15 characters, a letter among them. */
export const portNameSchema = z
  .string()
  .min(1)
  .max(15)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'must be a port name (lower-case letters, digits, -)')
  .refine((name) => /[a-z]/.test(name), 'must contain a letter');

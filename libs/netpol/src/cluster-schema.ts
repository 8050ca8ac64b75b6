// The Kubernetes objects reachability depends on (Namespace, Pod, Service, networking.k8s.io/v1
// NetworkPolicy), validated with the API's own field names and rules; other fields are ignored.
import { z } from 'zod';
import { parseAddress, parseCidr } from './ip-block';
import {
  labelSelectorSchema,
  LIMITS,
  metadataSchema,
  nameSchema,
  portNameSchema,
  portNumberSchema,
  protocolSchema,
} from './label-schema';

const cidrSchema = z
  .string()
  .max(LIMITS.nameLength)
  .refine(
    (text) => parseCidr(text) !== undefined,
    'must be a CIDR such as 10.0.0.0/8 or fd00::/64',
  );

const ipSchema = z
  .string()
  .max(LIMITS.nameLength)
  .refine((text) => parseAddress(text) !== undefined, 'must be an IPv4 or IPv6 address');

const list = <T extends z.ZodType>(item: T) => z.array(item).max(LIMITS.entriesPerList);

export const namespaceSchema = z.object({
  kind: z.literal('Namespace').optional(),
  metadata: metadataSchema.omit({ namespace: true }),
});

const containerPortSchema = z.object({
  containerPort: portNumberSchema,
  name: portNameSchema.optional(),
  protocol: protocolSchema.default('TCP'),
});

const containerSchema = z.object({
  name: nameSchema,
  ports: list(containerPortSchema).nullish(),
});

export const podSchema = z.object({
  kind: z.literal('Pod').optional(),
  metadata: metadataSchema.extend({ namespace: nameSchema }),
  spec: z.object({
    hostNetwork: z.boolean().nullish(),
    containers: list(containerSchema).min(1),
    initContainers: list(containerSchema).nullish(),
  }),
  status: z
    .object({
      podIP: ipSchema.nullish(),
      podIPs: list(z.object({ ip: ipSchema })).nullish(),
    })
    .nullish(),
});

const intOrStringPort = z.union([portNumberSchema, portNameSchema]);

export const serviceSchema = z.object({
  kind: z.literal('Service').optional(),
  metadata: metadataSchema.extend({ namespace: nameSchema }),
  spec: z.object({
    selector: z.record(nameSchema, z.string().max(LIMITS.valueLength)).nullish(),
    clusterIP: z.string().max(LIMITS.nameLength).nullish(),
    clusterIPs: list(z.string().max(LIMITS.nameLength)).nullish(),
    ports: list(
      z.object({
        name: nameSchema.optional(),
        protocol: protocolSchema.default('TCP'),
        port: portNumberSchema,
        targetPort: intOrStringPort.optional(),
      }),
    ).nullish(),
  }),
});

const ipBlockSchema = z
  .object({ cidr: cidrSchema, except: list(cidrSchema).nullish() })
  .superRefine((block, ctx) => {
    const cidr = parseCidr(block.cidr);
    (block.except ?? []).forEach((text, i) => {
      const except = parseCidr(text);
      if (!cidr || !except) return;
      const [base, bits] = cidr.range;
      const [exceptBase, exceptBits] = except.range;
      // The API refuses an except that is not strictly inside cidr (validation.go, ValidateIPBlock).
      if (
        base.kind() !== exceptBase.kind() ||
        exceptBits <= bits ||
        !exceptBase.match(cidr.range)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['except', i],
          message: `${text} must be strictly within cidr ${block.cidr}`,
        });
      }
    });
  });

const networkPolicyPeerSchema = z
  .object({
    podSelector: labelSelectorSchema.nullish(),
    namespaceSelector: labelSelectorSchema.nullish(),
    ipBlock: ipBlockSchema.nullish(),
  })
  .superRefine((peer, ctx) => {
    const selectors = peer.podSelector != null || peer.namespaceSelector != null;
    if (peer.ipBlock != null && selectors) {
      ctx.addIssue({
        code: 'custom',
        message: 'ipBlock may not be combined with podSelector or namespaceSelector',
      });
    }
    if (peer.ipBlock == null && !selectors) {
      ctx.addIssue({
        code: 'custom',
        message: 'needs one of podSelector, namespaceSelector or ipBlock',
      });
    }
  });

const networkPolicyPortSchema = z
  .object({
    protocol: protocolSchema.default('TCP'),
    port: intOrStringPort.nullish(),
    endPort: portNumberSchema.nullish(),
  })
  .superRefine((port, ctx) => {
    if (port.endPort == null) return;
    if (typeof port.port !== 'number') {
      ctx.addIssue({
        code: 'custom',
        path: ['endPort'],
        message: 'needs a numeric port',
      });
    } else if (port.endPort < port.port) {
      ctx.addIssue({
        code: 'custom',
        path: ['endPort'],
        message: `must be at least port ${port.port}`,
      });
    }
  });

export const networkPolicySchema = z.object({
  apiVersion: z.literal('networking.k8s.io/v1').optional(),
  kind: z.literal('NetworkPolicy').optional(),
  metadata: metadataSchema.extend({ namespace: nameSchema }),
  spec: z.object({
    podSelector: labelSelectorSchema.nullish(),
    policyTypes: list(z.enum(['Ingress', 'Egress'])).nullish(),
    ingress: list(
      z.object({
        from: list(networkPolicyPeerSchema).nullish(),
        ports: list(networkPolicyPortSchema).nullish(),
      }),
    ).nullish(),
    egress: list(
      z.object({
        to: list(networkPolicyPeerSchema).nullish(),
        ports: list(networkPolicyPortSchema).nullish(),
      }),
    ).nullish(),
  }),
});

export type NamespaceObject = z.output<typeof namespaceSchema>;
export type PodObject = z.output<typeof podSchema>;
export type ServiceObject = z.output<typeof serviceSchema>;
export type NetworkPolicyObject = z.output<typeof networkPolicySchema>;
export type NetworkPolicyPeer = z.output<typeof networkPolicyPeerSchema>;
export type NetworkPolicyPort = z.output<typeof networkPolicyPortSchema>;

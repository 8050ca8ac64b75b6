// The `identity` section of trust's configuration: trust domain, credential lifetimes, join tokens
// and Kubernetes attestation.
import { isIP } from 'node:net';
import { z } from 'zod';

/** A host name (RFC 1123 labels, lower case) or an IPv4/IPv6 address a client dials. */
const serverName = z
  .string()
  .max(253)
  .refine(
    (name) =>
      isIP(name) !== 0 ||
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(
        name,
      ),
    { message: 'must be a lower-case DNS name (RFC 1123) or an IP address' },
  );

export const identityConfigSchema = z
  .strictObject({
    /** Trust domain: the `<cluster>` of `omega://<cluster>/<kind>/<name>`. */
    cluster: z.string().min(1).default('local'),
    /** Credential (and TLS certificate) lifetime when the request names none. */
    credentialTtlSeconds: z.int().positive().default(3600),
    /** Longest lifetime granted whatever the request asks for. */
    maxCredentialTtlSeconds: z
      .int()
      .positive()
      .default(24 * 3600),
    /** Where the trust CA certificate (the mTLS trust bundle, PEM) is written at startup. */
    trustBundleFile: z.string().min(1).optional(),
    /** How far a renewal request's time may be from trust's clock. */
    requestClockSkewSeconds: z.int().positive().default(300),
    joinTokens: z
      .strictObject({
        /** Lifetime of a join token minted at startup or by mintJoinToken(). */
        ttlSeconds: z
          .int()
          .positive()
          .default(24 * 3600),
        /**
         * `<kind>/<name>` (or `<kind>/*` for any name of that kind) to mint one single-use token
         * for at startup, written to `file` for the local runner. Empty mints none.
         */
        startup: z.array(z.string().min(1)).default([]),
        /** Where startup tokens are written (mode 0600); main.ts puts it in the key directory. */
        file: z.string().min(1).optional(),
      })
      .prefault({}),
    kubernetes: z
      .strictObject({
        /** Accept projected service-account tokens (checked with TokenReview). */
        enabled: z.boolean().default(false),
        audience: z.string().min(1).default('omega-trust'),
        /** Namespaces whose service accounts may enroll; empty allows any. */
        namespaces: z.array(z.string().min(1)).default([]),
        /** API server URL; default from KUBERNETES_SERVICE_HOST/PORT (in-cluster). */
        apiServerUrl: z.url({ protocol: /^https$/ }).optional(),
        tokenPath: z.string().min(1).default('/var/run/secrets/kubernetes.io/serviceaccount/token'),
        caPath: z.string().min(1).default('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt'),
      })
      .prefault({}),
    /**
     * Extra names for the TLS certificates of identities that serve clients outside the mesh:
     * `<kind>/<name>` → DNS names and IP addresses, put in the certificate beside its omega://
     * URI (e.g. `service/gateway` → its Service DNS names and Ingress host), so standard gRPC
     * clients (grpcurl, grpcio, grpc-go) verify the server with the trust CA bundle. Names come
     * from this configuration only, never from the request: a workload cannot ask for a name.
     */
    serverNames: z
      .record(
        z
          .string()
          .regex(/^[a-z]+\/[A-Za-z0-9._-]+$/, 'must be <kind>/<name>, e.g. service/gateway'),
        z.array(serverName).max(64),
      )
      .default({}),
    gatewayTokens: z
      .strictObject({
        /** Tolerated clock difference for a token's issued-at time. */
        clockSkewSeconds: z.int().nonnegative().default(30),
      })
      .prefault({}),
  })
  .prefault({});

export type IdentityConfig = z.output<typeof identityConfigSchema>;

/** The defaults, for tests and callers without a config file. */
export function defaultIdentityConfig(
  overrides: z.input<typeof identityConfigSchema> = {},
): IdentityConfig {
  return identityConfigSchema.parse(overrides);
}

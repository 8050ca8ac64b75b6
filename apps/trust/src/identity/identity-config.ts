// The `identity` section of trust's configuration: trust domain, credential lifetimes, join tokens
// and Kubernetes attestation.
import { z } from 'zod';

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

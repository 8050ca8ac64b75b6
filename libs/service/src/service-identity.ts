// A service's identity from trust at start-up: enroll (join token or Kubernetes token), keep the
// credential renewed, and hand out gRPC credentials for mutual TLS when `tls.enabled`.
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import type { KV } from '@nats-io/kv';
import type { Bus, BusClientCertificate } from '@omega/bus';
import { Code, OmegaError, errorMessage, type BaseConfig, type Logger } from '@omega/runtime';
import {
  CredentialRenewal,
  bootstrapChannelCredentials,
  channelCredentials,
  enroll,
  formatSubject,
  joinTokenFromFile,
  loadCredentials,
  parseSubject,
  renew,
  renewingChannelCredentials,
  saveCredentials,
  type Credentials,
  type CredentialSource,
  type EnrollOptions,
  type SubjectKind,
} from '@omega/trust-client';

/** Key in the KV bucket `omega_identities` under which trust publishes its CA certificate (PEM). */
export const TRUST_CA_KEY = 'trust-ca';

/** Who a workload enrolls as: `service/<name>` for services, `sentinel/<node>` for sentinels. */
export interface EnrollAs {
  readonly kind: SubjectKind;
  readonly name: string;
}

/** A workload's live identity: the current credentials, renewed in the background. */
export interface ServiceIdentity extends CredentialSource {
  readonly subject: string;
  /** Stops renewing (on shutdown). */
  stop(): void;
}

export interface EstablishIdentityOptions {
  readonly config: BaseConfig;
  /** Where to read the trust CA when `enrollment.trustCaFile` is unset (absent: the file is required). */
  readonly bus?: Bus;
  readonly logger: Logger;
  readonly enrollAs: EnrollAs;
  /** Aborts the wait for trust (service shutdown). */
  readonly signal?: AbortSignal;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * Enrolls as `enrollAs` and starts renewal; undefined when `enrollment.mode` is off. While trust is
 * unreachable, or the join-tokens file is absent or stale (trust rewrites it on start), it keeps
 * trying with backoff and says so, until `enrollment.timeoutMs`.
 */
export async function establishIdentity(
  options: EstablishIdentityOptions,
): Promise<ServiceIdentity | undefined> {
  const { config, logger, enrollAs } = options;
  const settings = config.enrollment;
  if (settings.mode === 'off') return undefined;
  const what = `enrolling as ${enrollAs.kind}/${enrollAs.name} with trust at ${settings.trustAddress}`;
  const deadline = Date.now() + settings.timeoutMs;
  let trustCaPem: string | undefined;
  let delayMs = RETRY_MIN_MS;
  const resumed = await resumeIdentity(options, deadline);
  if (resumed) return resumed;
  for (let attempt = 1; ; attempt += 1) {
    try {
      if (config.tls.enabled) trustCaPem ??= await readTrustCa(config, options.bus);
      const credentials = await enroll({
        ...attestation(config, enrollAs, await joinTokenOf(config, enrollAs)),
        trustAddress: settings.trustAddress,
        subjectKind: enrollAs.kind,
        name: enrollAs.name,
        timeoutMs: 10_000,
        ...(settings.credentialTtlSeconds !== undefined
          ? { ttlSeconds: settings.credentialTtlSeconds }
          : {}),
        ...(trustCaPem !== undefined
          ? {
              // The trust domain is learned from trust's answer: any omega:// subject is accepted
              // here, but the certificate must chain to the trust CA.
              channelCredentials: bootstrapChannelCredentials(trustCaPem),
            }
          : {}),
      } as EnrollOptions);
      logger.info(
        { subject: credentials.subject, notAfter: new Date(credentials.notAfterMs).toISOString() },
        `enrolled with trust as ${credentials.subject}`,
      );
      if (settings.stateDir !== undefined) await saveCredentials(settings.stateDir, credentials);
      return startRenewal(credentials, config, logger);
    } catch (err) {
      const error = OmegaError.wrap(err, what, Code.Unavailable);
      if (!retryable(error, config) || Date.now() + delayMs > deadline || options.signal?.aborted) {
        throw new OmegaError(error.code, `${error.message} (after ${attempt} attempt(s))`, {
          cause: err,
        });
      }
      logger.info({ attempt, retryInMs: delayMs }, `${error.message}; retrying`);
      await sleep(delayMs);
      delayMs = Math.min(RETRY_MAX_MS, delayMs * 2);
    }
  }
}

/** The workload's current certificate chain and TLS key, PEM: its client certificate on the bus. */
export function busClientCertificate(identity: ServiceIdentity): BusClientCertificate {
  const current = identity.current();
  let cached = pemCache.get(current);
  if (cached === undefined) {
    cached = {
      certificatePem: current.certificateChainPem,
      privateKeyPem: current.tlsPrivateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    };
    pemCache.set(current, cached);
  }
  return cached;
}

const pemCache = new WeakMap<Credentials, BusClientCertificate>();

/** The trust CA file's PEM, for the bus's TLS (required with `nats.auth: identity`). */
export async function trustCaFromFile(config: BaseConfig): Promise<string> {
  return readTrustCa(config, undefined);
}

/**
 * gRPC credentials to call another Omega workload: mutual TLS with the renewed certificate, checking
 * that the server is `service/<peer>` (or the kind and name given, e.g. `sentinel/<node>`), when
 * TLS is on; insecure otherwise.
 */
export function clientCredentialsFor(
  config: BaseConfig,
  identity: ServiceIdentity | undefined,
  peer?: string | EnrollAs,
): grpc.ChannelCredentials {
  if (!config.tls.enabled) return grpc.credentials.createInsecure();
  if (identity === undefined) {
    throw new OmegaError(
      Code.FailedPrecondition,
      'tls.enabled needs an identity: set enrollment.mode to join-token or kubernetes',
    );
  }
  const { cluster } = parseSubject(identity.subject);
  const expected = typeof peer === 'string' ? { kind: 'service' as const, name: peer } : peer;
  return renewingChannelCredentials(identity, {
    ...(expected !== undefined
      ? { expectedServerSubject: formatSubject({ cluster, ...expected }) }
      : {}),
  });
}

/** Renews `current` with trust (mutual TLS with it when `tls.enabled`). */
function renewWith(current: Credentials, config: BaseConfig): Promise<Credentials> {
  const { trustAddress, credentialTtlSeconds } = config.enrollment;
  return renew(current, {
    trustAddress,
    ...(credentialTtlSeconds !== undefined ? { ttlSeconds: credentialTtlSeconds } : {}),
    ...(config.tls.enabled
      ? {
          channelCredentials: channelCredentials(current, {
            expectedServerSubject: formatSubject({
              cluster: parseSubject(current.subject).cluster,
              kind: 'service',
              name: 'trust',
            }),
          }),
        }
      : {}),
  });
}

/**
 * A restart with `enrollment.stateDir`: the credential kept there, if still valid, is renewed
 * (trust checks it is current and not revoked) instead of spending a join token. Undefined when
 * there is none, it expired, or trust refuses it (then the service enrolls as on first start).
 */
async function resumeIdentity(
  options: EstablishIdentityOptions,
  deadline: number,
): Promise<ServiceIdentity | undefined> {
  const { config, logger } = options;
  const dir = config.enrollment.stateDir;
  if (dir === undefined) return undefined;
  const kept = await loadCredentials(dir);
  if (kept === undefined) return undefined;
  if (kept.notAfterMs <= Date.now() + 5_000) {
    logger.info(`the credential kept in ${dir} for ${kept.subject} expired; enrolling again`);
    return undefined;
  }
  let delayMs = RETRY_MIN_MS;
  for (;;) {
    try {
      const renewed = await renewWith(kept, config);
      await saveCredentials(dir, renewed);
      logger.info(
        { notAfter: new Date(renewed.notAfterMs).toISOString() },
        `resumed as ${renewed.subject} from the credential kept in ${dir}`,
      );
      return startRenewal(renewed, config, logger);
    } catch (err) {
      const error = OmegaError.wrap(err, `renewing the kept credential for ${kept.subject}`);
      const transient = error.code === Code.Unavailable || error.code === Code.DeadlineExceeded;
      if (!transient || Date.now() + delayMs > deadline || options.signal?.aborted) {
        logger.warn(`${error.message}; enrolling again`);
        return undefined;
      }
      logger.info({ retryInMs: delayMs }, `${error.message}; retrying`);
      await sleep(delayMs);
      delayMs = Math.min(RETRY_MAX_MS, delayMs * 2);
    }
  }
}

function startRenewal(
  credentials: Credentials,
  config: BaseConfig,
  logger: Logger,
): ServiceIdentity {
  const { trustAddress, stateDir } = config.enrollment;
  const renewal = new CredentialRenewal(credentials, {
    trustAddress,
    onError: (err) => logger.warn({ err }, err.message),
    renewOnce: (current) => renewWith(current, config),
  }).start();
  renewal.onRenewed((renewed) => {
    logger.info(
      { notAfter: new Date(renewed.notAfterMs).toISOString() },
      `credential for ${renewed.subject} renewed`,
    );
    if (stateDir !== undefined) {
      saveCredentials(stateDir, renewed).catch((err: unknown) =>
        logger.error({ err }, `cannot keep the renewed credential in ${stateDir}`),
      );
    }
  });
  return {
    subject: credentials.subject,
    current: () => renewal.current(),
    onRenewed: (listener) => renewal.onRenewed(listener),
    stop: () => renewal.stop(),
  };
}

function attestation(
  config: BaseConfig,
  enrollAs: EnrollAs,
  joinToken: string | undefined,
): Pick<EnrollOptions, 'joinToken' | 'serviceAccountTokenPath'> {
  if (config.enrollment.mode === 'kubernetes') {
    return { serviceAccountTokenPath: config.enrollment.serviceAccountTokenPath };
  }
  if (joinToken === undefined) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `enrollment.mode is join-token but no token for ${enrollAs.kind}/${enrollAs.name}: set enrollment.joinToken or enrollment.joinTokenFile`,
    );
  }
  return { joinToken };
}

async function joinTokenOf(config: BaseConfig, enrollAs: EnrollAs): Promise<string | undefined> {
  const { mode, joinToken, joinTokenFile } = config.enrollment;
  if (mode !== 'join-token' || joinToken !== undefined) return joinToken;
  if (joinTokenFile === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(joinTokenFile, 'utf8');
  } catch (err) {
    // Not written yet: trust writes it once it has started.
    throw new OmegaError(
      Code.Unavailable,
      `join-tokens file ${joinTokenFile}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  const token = joinTokenFromFile(text, enrollAs.kind, enrollAs.name);
  if (token === undefined) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `join-tokens file ${joinTokenFile} has no token for ${enrollAs.kind}/${enrollAs.name} or ${enrollAs.kind}/*`,
    );
  }
  return token;
}

/** The trust CA: from `enrollment.trustCaFile`, else as trust published it on the bus. */
async function readTrustCa(config: BaseConfig, bus: Bus | undefined): Promise<string> {
  const file = config.enrollment.trustCaFile;
  if (file !== undefined) {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `enrollment.trustCaFile ${file}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
  }
  if (bus === undefined) {
    throw new OmegaError(
      Code.FailedPrecondition,
      'nats.auth is identity: set enrollment.trustCaFile (the trust CA, PEM) so the service can enroll before it connects to the bus',
    );
  }
  let kv: KV;
  try {
    kv = await bus.kv('omega_identities');
  } catch (err) {
    throw new OmegaError(
      Code.Unavailable,
      `trust CA: KV bucket omega_identities is not there yet (trust creates it): ${errorMessage(err)}`,
      { cause: err },
    );
  }
  const entry = await kv.get(TRUST_CA_KEY);
  if (entry === null || entry.operation !== 'PUT') {
    throw new OmegaError(
      Code.Unavailable,
      `trust CA: omega_identities has no ${TRUST_CA_KEY} yet (trust publishes it at start)`,
    );
  }
  return entry.string();
}

function retryable(error: OmegaError, config: BaseConfig): boolean {
  const { joinToken, joinTokenFile } = config.enrollment;
  // PermissionDenied with a token from the file: the file is from trust's previous run (used or
  // unknown) and trust rewrites it on start.
  const staleFile =
    error.code === Code.PermissionDenied && joinToken === undefined && joinTokenFile !== undefined;
  return error.code === Code.Unavailable || error.code === Code.DeadlineExceeded || staleFile;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

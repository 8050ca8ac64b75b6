// Trust's keys for an authenticated bus, beside its other keys: the account nkey that signs every
// authorization answer (the server config's `auth_callout.issuer`), the user nkey trust itself
// connects with (the callout's one `auth_users` entry), and a short-lived client certificate for
// trust's own connection, issued from its CA at start (trust cannot enroll with itself before it
// has the bus its identity store lives on).
import 'reflect-metadata';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createAccount, createUser } from '@nats-io/nkeys';
import * as x509 from '@peculiar/x509';
import type { BusClientCertificate } from '@omega/bus';
import type { OwnBusAuthentication } from '@omega/service';
import type { Logger } from '@omega/runtime';
import { TlsAuthority } from '../identity/tls-authority';
import { KeyStore } from '../keys/key-store';
import type { TrustServiceConfig } from '../trust-config';

export interface BusKeys {
  readonly issuerSeed: string;
  readonly trustUserSeed: string;
}

/** Lifetime of trust's own bus certificate; it is re-issued at half of it. */
const OWN_CERTIFICATE_TTL_MS = 24 * 3600_000;

export async function loadBusKeys(keys: KeyStore): Promise<BusKeys> {
  const seedText = (seed: Uint8Array) => new TextDecoder().decode(seed);
  return {
    issuerSeed: await keys.loadOrCreateText('nats-issuer', 'nk', () =>
      seedText(createAccount().getSeed()),
    ),
    trustUserSeed: await keys.loadOrCreateText('nats-trust', 'nk', () =>
      seedText(createUser().getSeed()),
    ),
  };
}

/** A certificate for `subject` from `authority` with a fresh P-256 key (client and server use). */
export async function issueBusCertificate(
  authority: TlsAuthority,
  subject: string,
  lifetimeMs: number,
  names: { dnsNames?: readonly string[]; ipAddresses?: readonly string[] } = {},
): Promise<BusClientCertificate & { notAfterMs: number }> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const nowMs = Date.now();
  const notAfterMs = nowMs + lifetimeMs;
  const der = await authority.issueLeaf({
    subject,
    publicKey,
    serialHex: randomBytes(16).toString('hex'),
    notBeforeMs: nowMs,
    notAfterMs,
    ...names,
  });
  return {
    certificatePem: `${new x509.X509Certificate(der).toString('pem')}\n${authority.caCertificatePem}`,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    notAfterMs,
  };
}

/** ServiceSpec.busAuthentication for trust. */
export async function trustBusAuthentication(
  config: TrustServiceConfig,
  logger: Logger,
): Promise<OwnBusAuthentication> {
  const keys = await KeyStore.open(config.trust.keyDir, logger);
  const authority = await TlsAuthority.fromRootKey(
    await keys.loadOrCreate('root'),
    config.identity.cluster,
  );
  const { trustUserSeed } = await loadBusKeys(keys);
  const subject = `omega://${config.identity.cluster}/service/trust`;
  let current = await issueBusCertificate(authority, subject, OWN_CERTIFICATE_TTL_MS);
  const timer = setInterval(() => {
    issueBusCertificate(authority, subject, OWN_CERTIFICATE_TTL_MS).then(
      (renewed) => (current = renewed),
      (err: unknown) => logger.error({ err }, 'trust: cannot re-issue its bus certificate'),
    );
  }, OWN_CERTIFICATE_TTL_MS / 2);
  timer.unref();
  return {
    caPem: authority.caCertificatePem,
    clientCertificate: () => current,
    nkeySeed: new TextEncoder().encode(trustUserSeed),
  };
}

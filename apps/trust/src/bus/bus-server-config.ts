// What a NATS server needs to run an authenticated Omega bus, written from trust's keys: the trust
// CA, a server certificate from it, and a config include with TLS 1.3 that requires a client
// certificate, trust's own user (its nkey and its row of the permission table), and the
// authorization callout that sends every other connection to trust.
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromSeed } from '@nats-io/nkeys';
import { busPermissionsFor, type NatsPermissions } from '@omega/bus';
import { Code, OmegaError, type Logger } from '@omega/runtime';
import { TlsAuthority } from '../identity/tls-authority';
import { KeyStore } from '../keys/key-store';
import { issueBusCertificate, loadBusKeys } from './bus-keys';

export interface BusServerSetup {
  readonly keyDir: string;
  /** Trust domain (`identity.cluster`). */
  readonly cluster: string;
  /** Directory to write ca.pem, server.pem, server-key.pem and auth.conf into. */
  readonly outDir: string;
  /** Names and addresses clients reach the server at (its certificate's SANs). */
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** Lifetime of the server certificate (it is re-issued on every setup). */
  readonly certificateDays: number;
  readonly logger: Logger;
}

export interface BusServerFiles {
  readonly configFile: string;
  readonly caFile: string;
  readonly issuerPublicKey: string;
  readonly trustUserPublicKey: string;
}

export async function writeBusServerConfig(setup: BusServerSetup): Promise<BusServerFiles> {
  if (setup.dnsNames.length + setup.ipAddresses.length === 0) {
    throw new OmegaError(
      Code.InvalidArgument,
      'bus setup: name at least one host name or address the NATS server is reached at',
    );
  }
  const keys = await KeyStore.open(setup.keyDir, setup.logger);
  const authority = await TlsAuthority.fromRootKey(await keys.loadOrCreate('root'), setup.cluster);
  const busKeys = await loadBusKeys(keys);
  const issuerPublicKey = fromSeed(new TextEncoder().encode(busKeys.issuerSeed)).getPublicKey();
  const trustUserPublicKey = fromSeed(
    new TextEncoder().encode(busKeys.trustUserSeed),
  ).getPublicKey();
  const server = await issueBusCertificate(
    authority,
    `omega://${setup.cluster}/service/nats`,
    setup.certificateDays * 86_400_000,
    { dnsNames: setup.dnsNames, ipAddresses: setup.ipAddresses },
  );
  await mkdir(setup.outDir, { recursive: true, mode: 0o700 });
  const file = (name: string) => join(setup.outDir, name);
  await writeAtomically(file('ca.pem'), authority.caCertificatePem, 0o644);
  await writeAtomically(file('server.pem'), server.certificatePem, 0o644);
  await writeAtomically(file('server-key.pem'), server.privateKeyPem, 0o600);
  const trustPermissions = busPermissionsFor({ kind: 'service', name: 'trust' });
  if (trustPermissions === undefined) {
    throw new OmegaError(Code.Internal, 'the bus permission table has no row for service/trust');
  }
  const config = renderAuthConfig({
    certFile: file('server.pem'),
    keyFile: file('server-key.pem'),
    caFile: file('ca.pem'),
    issuerPublicKey,
    trustUserPublicKey,
    trustPermissions,
  });
  await writeAtomically(file('auth.conf'), config, 0o644);
  return {
    configFile: file('auth.conf'),
    caFile: file('ca.pem'),
    issuerPublicKey,
    trustUserPublicKey,
  };
}

export interface AuthConfigInput {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  readonly issuerPublicKey: string;
  readonly trustUserPublicKey: string;
  readonly trustPermissions: NatsPermissions;
}

/** The nats-server config (its JSON-compatible syntax): include it, or pass it with `-c`. */
export function renderAuthConfig(input: AuthConfigInput): string {
  const p = input.trustPermissions;
  const config = {
    tls: {
      cert_file: input.certFile,
      key_file: input.keyFile,
      ca_file: input.caFile,
      verify: true,
      min_version: '1.3',
      timeout: 5,
    },
    authorization: {
      users: [
        {
          nkey: input.trustUserPublicKey,
          permissions: {
            publish: { allow: p.publish.allow, deny: p.publish.deny },
            subscribe: { allow: p.subscribe.allow, deny: p.subscribe.deny },
            allow_responses: p.allowResponses,
          },
        },
      ],
      auth_callout: {
        issuer: input.issuerPublicKey,
        auth_users: [input.trustUserPublicKey],
      },
      timeout: 5,
    },
  };
  return (
    '# Written by Omega trust (bus setup): TLS with trust-issued certificates; trust decides who\n' +
    '# connects and what each identity may publish and subscribe (docs/bus-permissions.md).\n' +
    `${JSON.stringify(config, null, 2)}\n`
  );
}

async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, text, { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
}

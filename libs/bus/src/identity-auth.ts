// Connection options for a bus that authenticates workloads (`nats.auth: identity`): TLS with the
// trust CA, the workload's current trust-issued certificate as the client certificate (read at
// every connect, so a reconnect after renewal presents the new one), and the identity's own inbox
// prefix (its permissions allow no other). Trust itself adds its server-config nkey.
import { nkeyAuthenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
import { inboxPrefixFor, type BusIdentity } from './bus-permissions';

/** A workload's current TLS client credential, PEM. */
export interface BusClientCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export interface IdentityNatsOptions {
  /** The trust CA (PEM) that issued the NATS server's certificate. */
  readonly caPem: string;
  readonly identity: BusIdentity;
  /** Called at each (re)connect: the newest credential. */
  readonly clientCertificate: () => BusClientCertificate;
  /** Trust only: the nkey seed of its server-config user (the authorization callout's user). */
  readonly nkeySeed?: Uint8Array;
}

export type IdentityConnectionOptions = Pick<
  NodeConnectionOptions,
  'tls' | 'inboxPrefix' | 'ignoreAuthErrorAbort' | 'authenticator'
>;

export function identityNatsOptions(options: IdentityNatsOptions): IdentityConnectionOptions {
  const tls: Record<string, unknown> = { ca: options.caPem };
  // nats.js copies the tls object's enumerable properties into each socket's options: getters
  // hand it the credential current at that moment.
  Object.defineProperty(tls, 'cert', {
    enumerable: true,
    get: () => options.clientCertificate().certificatePem,
  });
  Object.defineProperty(tls, 'key', {
    enumerable: true,
    get: () => options.clientCertificate().privateKeyPem,
  });
  return {
    tls: tls as NodeConnectionOptions['tls'],
    inboxPrefix: inboxPrefixFor(options.identity),
    // Authorization can fail while trust (the authority) restarts: keep reconnecting.
    ignoreAuthErrorAbort: true,
    ...(options.nkeySeed ? { authenticator: nkeyAuthenticator(options.nkeySeed) } : {}),
  };
}

// Trust answers NATS's authorization callout: for each connection the server forwards the client
// certificate it verified against the trust CA; trust checks it again (signature, lifetime, the
// omega:// subject, the identity record: not revoked, serial not revoked), and answers with a
// user JWT that carries that identity's row of the bus permission table and expires with the
// certificate (the server closes the connection then). Anything else is refused with the reason.
import 'reflect-metadata';
import {
  decode,
  encodeAuthorizationResponse,
  encodeUser,
  type AuthorizationRequest,
} from '@nats-io/jwt';
import { fromSeed, type KeyPair } from '@nats-io/nkeys';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import * as x509 from '@peculiar/x509';
import { Counter, type Registry } from 'prom-client';
import { AUTH_CALLOUT_SUBJECT, busPermissionsFor } from '@omega/bus';
import { IdentityStatus } from '@omega/proto';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import { certificateSerial, normalSerial, parseSubject, type Subject } from '@omega/trust-client';
import type { IdentityStore } from '../identity/identity-store';

/** The server's requests are a few KB (a JWT with a PEM chain); anything far larger is refused. */
export const MAX_AUTHORIZATION_REQUEST_BYTES = 64 * 1024;
/** The global account: Omega's streams live there, and callout users are placed there. */
const ACCOUNT = '$G';

export interface BusAuthorityOptions {
  /** Seed of the account nkey the server's `auth_callout.issuer` names. */
  readonly issuerSeed: string;
  readonly caCertificatePem: string;
  /** Trust domain: the `<cluster>` every accepted subject must carry. */
  readonly cluster: string;
  readonly identities: Pick<IdentityStore, 'get'>;
  /** A connection lasts at most this long before it re-authorizes (default 3600 s). */
  readonly maxLifetimeSeconds?: number;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly clock?: () => number;
}

/** Why a connection was refused, as the counter's `outcome` label. */
type Refusal =
  | 'malformed'
  | 'no_certificate'
  | 'bad_certificate'
  | 'expired'
  | 'unknown_identity'
  | 'revoked'
  | 'no_permissions';

class Refused extends Error {
  constructor(
    readonly outcome: Refusal,
    message: string,
  ) {
    super(message);
  }
}

export class BusAuthority {
  private readonly issuer: KeyPair;
  private readonly ca: x509.X509Certificate;
  private readonly decisions: Counter<'outcome'>;
  private readonly clock: () => number;
  private subscription: Subscription | undefined;

  constructor(private readonly options: BusAuthorityOptions) {
    this.issuer = fromSeed(new TextEncoder().encode(options.issuerSeed));
    this.ca = new x509.X509Certificate(options.caCertificatePem);
    this.clock = options.clock ?? Date.now;
    this.decisions = new Counter({
      name: 'omega_trust_bus_authorizations_total',
      help: 'NATS connections trust authorized (outcome=accepted) or refused (outcome=<reason>)',
      labelNames: ['outcome'],
      registers: [options.registry],
    });
  }

  /** The issuer's public account key: the server config's `auth_callout.issuer`. */
  get issuerPublicKey(): string {
    return this.issuer.getPublicKey();
  }

  /** Answers the server's authorization requests on `nc` until stop(). */
  start(nc: NatsConnection): void {
    this.subscription = nc.subscribe(AUTH_CALLOUT_SUBJECT, {
      callback: (err, msg) => {
        if (err) {
          this.options.logger.error({ err }, `bus authority: ${errorMessage(err)}`);
          return;
        }
        void this.answer(msg);
      },
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private async answer(msg: Msg): Promise<void> {
    try {
      const response = await this.decide(msg.data);
      if (response !== undefined) msg.respond(response);
    } catch (err) {
      this.options.logger.error({ err }, `bus authority: cannot answer: ${errorMessage(err)}`);
    }
  }

  /**
   * The signed authorization response for one request, or undefined when the request is too
   * malformed to address an answer to (the server then times out and refuses the client).
   */
  async decide(data: Uint8Array): Promise<string | undefined> {
    let request: AuthorizationRequest;
    try {
      request = parseRequest(data);
    } catch (err) {
      this.decisions.inc({ outcome: 'malformed' });
      this.options.logger.warn(
        `bus authority: unreadable authorization request: ${errorMessage(err)}`,
      );
      return undefined;
    }
    const userKey = request.user_nkey;
    const serverId = request.server_id.id;
    const client = `${request.client_info?.host ?? 'unknown host'} (name ${JSON.stringify(request.client_info?.name ?? '')})`;
    try {
      const { subject, notAfterMs } = await this.checkCertificate(request);
      const who = { kind: subject.kind, name: subject.name };
      const permissions = busPermissionsFor(who);
      if (permissions === undefined) {
        throw new Refused(
          'no_permissions',
          `${subject.kind}/${subject.name} has no bus permissions`,
        );
      }
      const nowMs = this.clock();
      const maxMs = (this.options.maxLifetimeSeconds ?? 3600) * 1000;
      const expSeconds = Math.floor(Math.min(notAfterMs, nowMs + maxMs) / 1000);
      const userJwt = await encodeUser(
        `omega://${subject.cluster}/${subject.kind}/${subject.name}`,
        userKey,
        this.issuer,
        {
          pub: { allow: [...permissions.publish.allow], deny: [...permissions.publish.deny] },
          sub: { allow: [...permissions.subscribe.allow], deny: [...permissions.subscribe.deny] },
          ...(permissions.allowResponses ? { resp: { max: 1, ttl: 0 } } : {}),
        },
        { aud: ACCOUNT, exp: expSeconds },
      );
      this.decisions.inc({ outcome: 'accepted' });
      this.options.logger.info(
        {
          subject: `${subject.kind}/${subject.name}`,
          client,
          expiresAt: new Date(expSeconds * 1000),
        },
        `bus: authorized ${subject.kind}/${subject.name} from ${client}`,
      );
      return await encodeAuthorizationResponse(
        userKey,
        serverId,
        this.issuer,
        { jwt: userJwt },
        {},
      );
    } catch (err) {
      const outcome: Refusal = err instanceof Refused ? err.outcome : 'bad_certificate';
      const reason = errorMessage(err);
      this.decisions.inc({ outcome });
      this.options.logger.warn({ client, outcome }, `bus: refused ${client}: ${reason}`);
      return await encodeAuthorizationResponse(
        userKey,
        serverId,
        this.issuer,
        { error: `omega trust: ${reason}` },
        {},
      );
    }
  }

  private async checkCertificate(
    request: AuthorizationRequest,
  ): Promise<{ subject: Subject; notAfterMs: number }> {
    const chain = request.client_tls?.verified_chains?.[0] ?? request.client_tls?.certs;
    const leafPem = chain?.[0];
    if (leafPem === undefined) {
      throw new Refused(
        'no_certificate',
        'no client certificate (connect with a trust-issued one)',
      );
    }
    let leaf: x509.X509Certificate;
    try {
      leaf = new x509.X509Certificate(leafPem);
    } catch (err) {
      throw new Refused('bad_certificate', `unreadable client certificate: ${errorMessage(err)}`);
    }
    if (!(await leaf.verify({ publicKey: this.ca.publicKey, signatureOnly: true }))) {
      throw new Refused('bad_certificate', 'client certificate not issued by this trust CA');
    }
    const nowMs = this.clock();
    if (nowMs < leaf.notBefore.getTime() || nowMs >= leaf.notAfter.getTime()) {
      throw new Refused(
        'expired',
        `client certificate valid only until ${leaf.notAfter.toISOString()}`,
      );
    }
    const uri = leaf
      .getExtension(x509.SubjectAlternativeNameExtension)
      ?.names.items.find((name) => name.type === 'url')?.value;
    if (uri === undefined)
      throw new Refused('bad_certificate', 'client certificate has no omega:// URI');
    const subject = parseSubject(uri);
    if (subject.cluster !== this.options.cluster) {
      throw new Refused('bad_certificate', `${uri} is not of trust domain ${this.options.cluster}`);
    }
    const stored = await this.options.identities.get(uri);
    if (stored === undefined) throw new Refused('unknown_identity', `${uri} was never issued`);
    const { record } = stored;
    const serial = normalSerial(leaf.serialNumber);
    if (
      record.identity.status === IdentityStatus.IDENTITY_STATUS_REVOKED ||
      record.revokedSerials.some((revoked) => certificateSerial(revoked) === serial)
    ) {
      throw new Refused('revoked', `${uri}: certificate ${serial} is revoked`);
    }
    return { subject, notAfterMs: leaf.notAfter.getTime() };
  }
}

function parseRequest(data: Uint8Array): AuthorizationRequest {
  if (data.length > MAX_AUTHORIZATION_REQUEST_BYTES) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${data.length} bytes, over the ${MAX_AUTHORIZATION_REQUEST_BYTES}-byte limit`,
    );
  }
  const claims = decode<AuthorizationRequest>(new TextDecoder().decode(data));
  const nats = claims.nats as Partial<AuthorizationRequest> & { type?: string };
  if (nats.type !== 'authorization_request') {
    throw new OmegaError(Code.InvalidArgument, `claims of type ${String(nats.type)}`);
  }
  if (typeof nats.user_nkey !== 'string' || !nats.user_nkey.startsWith('U')) {
    throw new OmegaError(Code.InvalidArgument, 'no user_nkey');
  }
  if (typeof nats.server_id?.id !== 'string' || !nats.server_id.id.startsWith('N')) {
    throw new OmegaError(Code.InvalidArgument, 'no server_id.id');
  }
  return nats as AuthorizationRequest;
}

// Who is calling the gateway and whether they may call the method, checked before every call:
// a bearer token (people, the console, automation: the role table), a client certificate from
// trust (operators are admins; workloads get exactly their row of the method permission table),
// or nobody (only methods open to anyone). A refusal names the method and what would grant it;
// refusals of state-changing methods are written to the audit log.
import {
  AccessDecision,
  AuditEntry,
  AuditEntryKind,
  AuthMethod,
  CheckAccessResponse,
  PrincipalKind,
  type Principal,
} from '@omega/proto';
import {
  Code,
  OmegaError,
  codeName,
  errorMessage,
  grpcCallLabels,
  type GrpcCallLabels,
  type AuthorizeCall,
  type CallContext,
  type Logger,
} from '@omega/runtime';
import {
  METHOD_PERMISSIONS,
  callerSubject,
  methodRefusal,
  parseSubject,
  type AuditClient,
  type SubjectKind,
} from '@omega/trust-client';
import type { Counter } from 'prom-client';
import { parseBearer } from './api-token';
import type { CallLimitSettings } from './call-limits';
import type { CallerLimit } from './forwarding';
import { ROLE_TABLE, highestRole, rolesGranting, type Role } from './gateway-roles';
import type { TokenRegistry } from './token-registry';

type Call = Parameters<AuthorizeCall>[0];

const KIND_OF: Record<SubjectKind, PrincipalKind> = {
  operator: PrincipalKind.PRINCIPAL_KIND_USER,
  service: PrincipalKind.PRINCIPAL_KIND_SERVICE,
  sentinel: PrincipalKind.PRINCIPAL_KIND_SENTINEL,
  edge: PrincipalKind.PRINCIPAL_KIND_EDGE,
};

export const ANONYMOUS: Principal = {
  id: 'anonymous',
  kind: PrincipalKind.PRINCIPAL_KIND_ANONYMOUS,
  roles: [],
  authMethod: AuthMethod.AUTH_METHOD_ANONYMOUS,
  tokenId: '',
  expireTimeNs: 0n,
};

/** The roles a trust identity holds at the gateway: operators are administrators. */
export function rolesOfIdentity(subject: string): Role[] {
  return parseSubject(subject).kind === 'operator' ? ['admin'] : [];
}

/** The principal a certificate names (its roles from rolesOfIdentity). */
export function identityPrincipal(subject: string, expireTimeNs = 0n): Principal {
  return {
    id: subject,
    kind: KIND_OF[parseSubject(subject).kind] ?? PrincipalKind.PRINCIPAL_KIND_UNSPECIFIED,
    roles: rolesOfIdentity(subject),
    authMethod: AuthMethod.AUTH_METHOD_MTLS,
    identity: { id: subject, keyId: '' },
    tokenId: '',
    expireTimeNs,
  };
}

/** Why `principal` may or may not call `method`, the roles that would grant it. */
export function decideAccess(principal: Principal, method: string): AccessDecision {
  const row = ROLE_TABLE.get(method);
  if (row === undefined) {
    return {
      method,
      allowed: false,
      requiredRoles: [],
      reason: `${method}: the gateway serves no such method`,
    };
  }
  if (row.role === 'anyone') {
    return { method, allowed: true, requiredRoles: [], reason: 'open to anyone' };
  }
  const requiredRoles = rolesGranting(row.role);
  // A workload's certificate: its row of the method permission table, which names no roles.
  if (principal.authMethod === AuthMethod.AUTH_METHOD_MTLS && principal.roles.length === 0) {
    const refusal = methodRefusal(method, principal.id);
    if (refusal !== undefined) {
      return { method, allowed: false, requiredRoles, reason: refusal.message };
    }
    const callers = METHOD_PERMISSIONS.get(method)?.callers;
    return {
      method,
      allowed: true,
      requiredRoles,
      reason: `${principal.id} is allowed by the method permission table (allowed: ${Array.isArray(callers) ? callers.join(', ') : 'anyone'})`,
    };
  }
  if (principal.authMethod === AuthMethod.AUTH_METHOD_ANONYMOUS) {
    return {
      method,
      allowed: false,
      requiredRoles,
      reason: `${method} needs a credential: a bearer token or a client certificate from trust (a certificate from another CA counts as none); then one of the roles ${requiredRoles.join(', ')}`,
    };
  }
  const held = principal.roles.find((role) => requiredRoles.includes(role as Role));
  return held !== undefined
    ? { method, allowed: true, requiredRoles, reason: `role ${held} grants it` }
    : {
        method,
        allowed: false,
        requiredRoles,
        reason: `${method}: ${principal.id} (roles: ${principal.roles.join(', ') || 'none'}) needs one of: ${requiredRoles.join(', ')}`,
      };
}

export interface CallerAuthOptions {
  /** The harness's certificate check (chain, cluster, revocation, permission table); undefined without TLS. */
  readonly certificateCheck: AuthorizeCall | undefined;
  /** Bearer tokens; undefined without TLS (tokens are refused over plaintext). */
  readonly tokens: TokenRegistry | undefined;
  /** Per-caller limits, with per-role overrides (gateway.limits). */
  readonly limits: CallLimitSettings & {
    readonly roles: Partial<Record<Role, Partial<CallLimitSettings>>>;
  };
  /** Where refusals of state-changing calls are logged. */
  readonly audit: AuditClient | undefined;
  /** The gateway's identity, the actor of denial entries. */
  readonly actor: () => { id: string; keyId: string };
  readonly denied: Counter<keyof GrpcCallLabels>;
  readonly deniedNotAudited: Counter;
  readonly logger: Logger;
  /** Methods the gateway serves only to refuse them (trust's acting methods): their handlers say why. */
  readonly notForwarded: ReadonlySet<string>;
  /** Denial entries per (principal, method) at most once in this window. Default 60 s. */
  readonly denialAuditWindowMs?: number;
  readonly clock?: () => number;
}

/** Bounds the denial entries one flood can write: one per (principal, method) per window. */
const MAX_DENIALS_REMEMBERED = 4096;

export class CallerAuth {
  readonly #principals = new WeakMap<object, Principal>();
  readonly #lastDenialAuditMs = new Map<string, number>();
  readonly #clock: () => number;

  constructor(private readonly options: CallerAuthOptions) {
    this.#clock = options.clock ?? Date.now;
  }

  /** True when calls are checked (TLS on): without it every call is let through. */
  get enforcing(): boolean {
    return this.options.certificateCheck !== undefined;
  }

  /** The check implementService runs before each call of every service the gateway serves. */
  readonly authorize: AuthorizeCall = async (call) => {
    if (!this.enforcing || this.options.notForwarded.has(call.method)) return;
    let principal: Principal;
    try {
      principal = await this.#authenticate(call);
    } catch (err) {
      if (err instanceof OmegaError) this.#count(call.method, err);
      throw err;
    }
    this.#principals.set(call, principal);
    if (principal.authMethod === AuthMethod.AUTH_METHOD_MTLS) return; // checked with the table
    const decision = decideAccess(principal, call.method);
    if (decision.allowed) return;
    const refusal = new OmegaError(
      principal.authMethod === AuthMethod.AUTH_METHOD_ANONYMOUS
        ? Code.Unauthenticated
        : Code.PermissionDenied,
      decision.reason,
    );
    this.#count(call.method, refusal);
    if (refusal.code === Code.PermissionDenied) this.#auditDenial(principal, decision);
    throw refusal;
  };

  /** The caller of a call the check let through (anonymous when nothing is checked). */
  principalOf(ctx: CallContext): Principal {
    return this.#principals.get(ctx) ?? ANONYMOUS;
  }

  /**
   * Whom a call counts against (the principal, or without a credential the address less the
   * port) and its limits: the defaults with its highest role's overrides.
   */
  limitOf(ctx: CallContext): CallerLimit {
    const principal = this.#principals.get(ctx);
    if (principal === undefined || principal === ANONYMOUS) {
      return { key: ctx.peer.address.replace(/:\d+$/, '') };
    }
    const role = highestRole(principal.roles);
    const override = role === undefined ? undefined : this.options.limits.roles[role];
    return override === undefined
      ? { key: principal.id }
      : { key: principal.id, settings: { ...this.options.limits, ...override } };
  }

  async #authenticate(call: Call): Promise<Principal> {
    const header = call.metadata?.get('authorization') ?? [];
    if (header.length > 1) {
      throw new OmegaError(
        Code.Unauthenticated,
        `${call.method}: more than one authorization header`,
      );
    }
    const bearer =
      header.length === 1 ? parseBearer(typeof header[0] === 'string' ? header[0] : '') : undefined;
    const certificate = call.peer.sslPeerCertificate;
    if (bearer !== undefined) {
      if (certificate !== undefined) {
        throw new OmegaError(
          Code.Unauthenticated,
          `${call.method}: present one credential, a client certificate or a bearer token, not both`,
        );
      }
      if (this.options.tokens === undefined) {
        throw new OmegaError(
          Code.Unauthenticated,
          `${call.method}: bearer tokens are not accepted here`,
        );
      }
      const { claims } = await this.options.tokens.authenticate(bearer).catch((err: unknown) => {
        throw err instanceof OmegaError
          ? new OmegaError(err.code, `${call.method}: ${err.message}`, { cause: err })
          : err;
      });
      return {
        id: claims.sub,
        kind: claims.sub.startsWith('user:')
          ? PrincipalKind.PRINCIPAL_KIND_USER
          : (KIND_OF[parseSubject(claims.sub).kind] ?? PrincipalKind.PRINCIPAL_KIND_UNSPECIFIED),
        roles: [...claims.roles],
        authMethod: AuthMethod.AUTH_METHOD_TOKEN,
        tokenId: claims.id,
        expireTimeNs: BigInt(claims.expMs) * 1_000_000n,
      };
    }
    // What the table opens to anyone does not look at a certificate, so it is not trusted there.
    if (certificate !== undefined && METHOD_PERMISSIONS.get(call.method)?.callers !== 'anyone') {
      // Chain to the trust CA, cluster, revocation and the caller's row of the table.
      await this.options.certificateCheck?.(call);
      const subject = callerSubject(call.peer);
      if (subject === undefined) {
        throw new OmegaError(
          Code.Unauthenticated,
          `${call.method}: the certificate names no identity`,
        );
      }
      return identityPrincipal(subject, BigInt(Date.parse(certificate.valid_to)) * 1_000_000n);
    }
    return ANONYMOUS;
  }

  #count(method: string, refusal: OmegaError): void {
    this.options.denied.inc(grpcCallLabels(method, refusal.code));
    this.options.logger.warn(
      { method, code: codeName(refusal.code) },
      `call refused: ${refusal.message}`,
    );
  }

  #auditDenial(principal: Principal, decision: AccessDecision): void {
    if (ROLE_TABLE.get(decision.method)?.changes !== true || this.options.audit === undefined) {
      return;
    }
    const nowMs = this.#clock();
    const key = `${principal.id} ${decision.method}`;
    const last = this.#lastDenialAuditMs.get(key);
    if (last !== undefined && nowMs - last < (this.options.denialAuditWindowMs ?? 60_000)) {
      this.options.deniedNotAudited.inc();
      return;
    }
    if (this.#lastDenialAuditMs.size >= MAX_DENIALS_REMEMBERED) this.#lastDenialAuditMs.clear();
    this.#lastDenialAuditMs.set(key, nowMs);
    const entry = AuditEntry.fromPartial({
      kind: AuditEntryKind.AUDIT_ENTRY_KIND_ACCESS_DENIED,
      timeNs: BigInt(nowMs) * 1_000_000n,
      actor: this.options.actor(),
      subject: decision.method,
      summary: `${principal.id} denied ${decision.method}: needs one of ${decision.requiredRoles.join(', ')}`,
      payloadType: 'omega.v1.CheckAccessResponse',
      payload: Buffer.from(
        CheckAccessResponse.encode({
          principal,
          decisions: [AccessDecision.fromPartial(decision)],
        }).finish(),
      ),
    });
    // The refusal does not wait for the log: a flood of refused calls must not queue on trust.
    this.options.audit.append(entry).catch((err: unknown) => {
      this.options.logger.error(
        { err, method: decision.method, principal: principal.id },
        `denial of ${decision.method} to ${principal.id} not logged: ${errorMessage(err)}`,
      );
    });
  }
}

// WhoAmI and CheckAccess for callers known by their certificate (mutual TLS): who the verified
// certificate names, and for each method the gateway serves whether the one method permission
// table lets that identity call it, and why (like `kubectl auth can-i`). Roles come with tokens.
import {
  AuthMethod,
  PrincipalKind,
  type AccessDecision,
  type CheckAccessRequest,
  type CheckAccessResponse,
  type Principal,
  type WhoAmIResponse,
} from '@omega/proto';
import { Code, OmegaError, errorMessage, type CallContext } from '@omega/runtime';
import {
  METHOD_PERMISSIONS,
  callerSubject,
  methodRefusal,
  parseSubject,
  type SubjectKind,
} from '@omega/trust-client';

/** What the gateway serves: every path, and for those it refuses to forward, why. */
export interface ServedMethods {
  readonly paths: readonly string[];
  readonly notForwarded: ReadonlyMap<string, string>;
}

const KIND_OF: Record<SubjectKind, PrincipalKind> = {
  operator: PrincipalKind.PRINCIPAL_KIND_USER,
  service: PrincipalKind.PRINCIPAL_KIND_SERVICE,
  sentinel: PrincipalKind.PRINCIPAL_KIND_SENTINEL,
  edge: PrincipalKind.PRINCIPAL_KIND_EDGE,
};

function principalOf(subject: string | undefined, expireTimeNs = 0n): Principal {
  if (subject === undefined) {
    return {
      id: 'anonymous',
      kind: PrincipalKind.PRINCIPAL_KIND_ANONYMOUS,
      roles: [],
      authMethod: AuthMethod.AUTH_METHOD_ANONYMOUS,
      tokenId: '',
      expireTimeNs: 0n,
    };
  }
  return {
    id: subject,
    kind: KIND_OF[parseSubject(subject).kind] ?? PrincipalKind.PRINCIPAL_KIND_UNSPECIFIED,
    roles: [],
    authMethod: AuthMethod.AUTH_METHOD_MTLS,
    identity: { id: subject, keyId: '' },
    tokenId: '',
    expireTimeNs,
  };
}

/** The caller, as the certificate the handshake verified names it (anonymous without TLS). */
export function whoAmI(ctx: CallContext): WhoAmIResponse {
  const certificate = ctx.peer.sslPeerCertificate;
  const expires =
    certificate === undefined ? 0n : BigInt(Date.parse(certificate.valid_to)) * 1_000_000n;
  return { principal: principalOf(callerSubject(ctx.peer), expires) };
}

/**
 * For each asked method (every method the gateway serves when none is asked), whether the caller,
 * or the identity `principalId` names, may call it through the gateway, with the table's reason.
 */
export function checkAccess(
  request: CheckAccessRequest,
  ctx: CallContext,
  served: ServedMethods,
): CheckAccessResponse {
  const principal =
    request.principalId === ''
      ? (whoAmI(ctx).principal ?? principalOf(undefined))
      : namedPrincipal(request.principalId, ctx.method);
  const subject =
    principal.authMethod === AuthMethod.AUTH_METHOD_ANONYMOUS ? undefined : principal.id;
  const methods = request.methods.length > 0 ? request.methods : served.paths;
  return { principal, decisions: methods.map((method) => decide(method, subject, served)) };
}

function namedPrincipal(principalId: string, method: string): Principal {
  try {
    parseSubject(principalId);
  } catch (err) {
    throw new OmegaError(Code.InvalidArgument, `${method}: principal_id: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  // Who it would be with a certificate naming it: how it authenticated is not asked.
  return { ...principalOf(principalId), authMethod: AuthMethod.AUTH_METHOD_UNSPECIFIED };
}

function decide(
  method: string,
  subject: string | undefined,
  served: ServedMethods,
): AccessDecision {
  const refuse = (reason: string): AccessDecision => ({
    method,
    allowed: false,
    requiredRoles: [],
    reason,
  });
  if (!served.paths.includes(method)) return refuse(`${method}: the gateway serves no such method`);
  const notForwarded = served.notForwarded.get(method);
  if (notForwarded !== undefined) {
    return refuse(`${method}: not served by the gateway: ${notForwarded}`);
  }
  const refusal = methodRefusal(method, subject);
  if (refusal !== undefined) return refuse(refusal.message);
  const callers = METHOD_PERMISSIONS.get(method)?.callers;
  return {
    method,
    allowed: true,
    requiredRoles: [],
    reason:
      callers === 'anyone' || callers === undefined
        ? 'open to anyone'
        : `${subject ?? 'the caller'} is allowed (allowed: ${callers.join(', ')})`,
  };
}

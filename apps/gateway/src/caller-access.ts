// WhoAmI and CheckAccess: who the caller is (as the gateway's check authenticated them) and, for
// each method the gateway serves, whether they, or another principal an administrator names,
// may call it and why (like `kubectl auth can-i`).
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
import { parseSubject } from '@omega/trust-client';
import { decideAccess, identityPrincipal, type CallerAuth } from './caller-auth';
import { grants, highestRole, type Role } from './gateway-roles';
import type { TokenRegistry } from './token-registry';

/** What the gateway serves: every path, and for those it refuses to forward, why. */
export interface ServedMethods {
  readonly paths: readonly string[];
  readonly notForwarded: ReadonlyMap<string, string>;
}

/** The caller, as the gateway's check authenticated them (anonymous without a credential). */
export function whoAmI(ctx: CallContext, auth: CallerAuth): WhoAmIResponse {
  return { principal: auth.principalOf(ctx) };
}

/**
 * For each asked method (every method the gateway serves when none is asked), whether the
 * caller, or the principal `principalId` names (administrators only), may call it through the
 * gateway, with the reason and the roles that grant it.
 */
export function checkAccess(
  request: CheckAccessRequest,
  ctx: CallContext,
  auth: CallerAuth,
  served: ServedMethods,
  tokens: TokenRegistry | undefined,
): CheckAccessResponse {
  if (request.methods.length > 1024) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${ctx.method}: methods: ${request.methods.length} asked, at most 1024`,
    );
  }
  const caller = auth.principalOf(ctx);
  let principal = caller;
  if (request.principalId !== '') {
    if (auth.enforcing && !grants(caller.roles, 'admin')) {
      throw new OmegaError(
        Code.PermissionDenied,
        `${ctx.method}: principal_id: asking for another principal needs the admin role (${caller.id} has: ${caller.roles.join(', ') || 'none'})`,
      );
    }
    principal = namedPrincipal(request.principalId, ctx.method, tokens);
  }
  const methods = request.methods.length > 0 ? request.methods : served.paths;
  return {
    principal,
    decisions: methods.map((method) => decide(method, principal, served, auth.enforcing)),
  };
}

/** `user:<name>` (the union of their live tokens' roles) or a trust identity. */
function namedPrincipal(
  principalId: string,
  method: string,
  tokens: TokenRegistry | undefined,
): Principal {
  if (principalId.startsWith('user:')) {
    const roles = new Set<Role>();
    for (const token of tokens?.list({ subject: principalId, includeRevoked: false, includeExpired: false }) ?? []) {
      for (const role of token.roles) roles.add(role as Role);
    }
    const highest = highestRole([...roles]);
    return {
      id: principalId,
      kind: PrincipalKind.PRINCIPAL_KIND_USER,
      roles: highest === undefined ? [] : [...roles],
      authMethod: AuthMethod.AUTH_METHOD_TOKEN,
      tokenId: '',
      expireTimeNs: 0n,
    };
  }
  try {
    parseSubject(principalId);
  } catch (err) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${method}: principal_id: expected user:<name> or an omega:// identity: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  // Who it would be with a certificate naming it.
  return identityPrincipal(principalId);
}

function decide(
  method: string,
  principal: Principal,
  served: ServedMethods,
  enforcing: boolean,
): AccessDecision {
  if (!served.paths.includes(method)) {
    return { method, allowed: false, requiredRoles: [], reason: `${method}: the gateway serves no such method` };
  }
  const notForwarded = served.notForwarded.get(method);
  if (notForwarded !== undefined) {
    return {
      method,
      allowed: false,
      requiredRoles: [],
      reason: `${method}: not served by the gateway: ${notForwarded}`,
    };
  }
  const decision = decideAccess(principal, method);
  return enforcing
    ? decision
    : { ...decision, allowed: true, reason: 'authorization is off (tls.enabled=false): anyone may call it' };
}

// CreateToken, ListTokens and RevokeToken: who may make, see and revoke which tokens. Everyone
// with a credential may manage their own tokens, never with more roles than they hold nor (made
// with a token) outliving the token they used; administrators may do so for anyone.
import {
  AuthMethod,
  type CreateTokenRequest,
  type CreateTokenResponse,
  type ListTokensRequest,
  type ListTokensResponse,
  type Principal,
  type RevokeTokenRequest,
  type RevokeTokenResponse,
} from '@omega/proto';
import { Code, OmegaError, type CallContext } from '@omega/runtime';
import { parseSubject } from '@omega/trust-client';
import type { CallerAuth } from './caller-auth';
import { grants, isRole, type Role } from './gateway-roles';
import type { TokenRegistry } from './token-registry';

const USER = /^user:[a-z0-9][a-z0-9._@-]{0,63}$/;
const MAX_DESCRIPTION = 256;
const MAX_REQUEST_ID = 128;
const MAX_REASON = 256;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 500;

export interface TokenHandlerDeps {
  readonly auth: CallerAuth;
  /** Undefined without TLS: tokens are never issued over plaintext. */
  readonly tokens: TokenRegistry | undefined;
}

function registry(deps: TokenHandlerDeps, method: string): TokenRegistry {
  if (deps.tokens === undefined) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${method}: bearer tokens need TLS (tls.enabled=true): a token sent in plaintext is anyone's`,
    );
  }
  return deps.tokens;
}

/** The caller, who must hold a role (people); workloads use their own certificates. */
function person(ctx: CallContext, auth: CallerAuth): Principal {
  const caller = auth.principalOf(ctx);
  if (caller.roles.length === 0) {
    throw new OmegaError(
      Code.PermissionDenied,
      `${ctx.method}: ${caller.id} holds no role at the gateway: tokens are for people and automation${caller.authMethod === AuthMethod.AUTH_METHOD_MTLS ? '; a workload calls with its own certificate' : ''}`,
    );
  }
  return caller;
}

const isAdmin = (principal: Principal): boolean => grants(principal.roles, 'admin');

export async function createToken(
  request: CreateTokenRequest,
  ctx: CallContext,
  deps: TokenHandlerDeps,
): Promise<CreateTokenResponse> {
  const tokens = registry(deps, ctx.method);
  const caller = person(ctx, deps.auth);
  const invalid = (field: string, why: string): OmegaError =>
    new OmegaError(Code.InvalidArgument, `${ctx.method}: ${field}: ${why}`);
  const subject = request.subject === '' ? caller.id : request.subject;
  if (subject !== caller.id) {
    if (!isAdmin(caller)) {
      throw new OmegaError(
        Code.PermissionDenied,
        `${ctx.method}: subject ${subject}: a token for another principal needs the admin role (${caller.id} has: ${caller.roles.join(', ')})`,
      );
    }
    if (!USER.test(subject)) {
      try {
        parseSubject(subject);
      } catch {
        throw invalid('subject', `${JSON.stringify(subject.slice(0, 80))} is neither user:<name> (lower case, at most 64 characters) nor an omega:// identity`);
      }
    }
  }
  if (request.roles.length === 0 && subject !== caller.id) {
    throw invalid('roles', 'name the roles of a token for another principal');
  }
  const roles = request.roles.length === 0 ? caller.roles : [...new Set(request.roles)];
  for (const role of roles) {
    if (!isRole(role)) {
      throw invalid('roles', `unknown role ${JSON.stringify(role.slice(0, 40))} (roles: viewer, responder, operator, admin)`);
    }
    if (!grants(caller.roles, role)) {
      throw new OmegaError(
        Code.PermissionDenied,
        `${ctx.method}: roles: ${caller.id} may not grant ${role}, which it does not hold (has: ${caller.roles.join(', ')})`,
      );
    }
  }
  if (request.description.length > MAX_DESCRIPTION) {
    throw invalid('description', `${request.description.length} characters, at most ${MAX_DESCRIPTION}`);
  }
  if (request.requestId.length > MAX_REQUEST_ID) {
    throw invalid('request_id', `${request.requestId.length} characters, at most ${MAX_REQUEST_ID}`);
  }
  const created = await tokens.create({
    subject,
    roles: roles as Role[],
    description: request.description,
    ttlSeconds: request.ttlSeconds,
    createdBy: caller.id,
    requestId: request.requestId,
    // A token made with a token never outlives it: a stolen token cannot extend itself.
    ...(caller.authMethod === AuthMethod.AUTH_METHOD_TOKEN
      ? { notAfterMs: Number(caller.expireTimeNs / 1_000_000n) }
      : {}),
  });
  return { token: created.info, secret: created.secret };
}

export function listTokens(
  request: ListTokensRequest,
  ctx: CallContext,
  deps: TokenHandlerDeps,
): ListTokensResponse {
  const tokens = registry(deps, ctx.method);
  const caller = person(ctx, deps.auth);
  const pageSize = Math.min(request.pageSize || DEFAULT_PAGE, MAX_PAGE);
  const offset = request.pageToken === '' ? 0 : Number(request.pageToken);
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${ctx.method}: page_token: ${JSON.stringify(request.pageToken.slice(0, 40))} is not one this gateway returned`,
    );
  }
  const all = tokens.list({
    ...(request.subject === '' ? {} : { subject: request.subject }),
    // Others' tokens only for administrators: the rest see what they made or act as.
    ...(isAdmin(caller) ? {} : { createdBy: caller.id }),
    includeRevoked: request.includeRevoked,
    includeExpired: request.includeRevoked,
  });
  const page = all.slice(offset, offset + pageSize);
  return {
    tokens: page,
    nextPageToken: offset + pageSize < all.length ? String(offset + pageSize) : '',
  };
}

export async function revokeToken(
  request: RevokeTokenRequest,
  ctx: CallContext,
  deps: TokenHandlerDeps,
): Promise<RevokeTokenResponse> {
  const tokens = registry(deps, ctx.method);
  const caller = person(ctx, deps.auth);
  if (!/^[0-9a-f]{16}$/.test(request.tokenId)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${ctx.method}: token_id: ${JSON.stringify(request.tokenId.slice(0, 40))} is not a token id (16 hex digits, as ListTokens shows)`,
    );
  }
  if (request.reason.length > MAX_REASON) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${ctx.method}: reason: ${request.reason.length} characters, at most ${MAX_REASON}`,
    );
  }
  const info = tokens.get(request.tokenId);
  // Someone else's token is "not found" to a non-administrator: ids are not probed.
  if (
    info === undefined ||
    !(isAdmin(caller) || info.subject === caller.id || info.createdBy === caller.id)
  ) {
    throw new OmegaError(Code.NotFound, `${ctx.method}: token ${request.tokenId} not found`);
  }
  return { token: await tokens.revoke(request.tokenId, request.reason, caller.id) };
}

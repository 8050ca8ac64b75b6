// TokenReview as kube-apiserver's token-authentication webhook sends it (pure): the bearer token a
// client presented that no other authenticator knew, and the answer, which is always "not
// authenticated": this webhook only watches for planted tokens, it never lets anyone in.
import { Code, OmegaError } from '@omega/runtime';

/** API versions kube-apiserver sends (--authentication-token-webhook-version, v1beta1 before 1.19). */
const VERSIONS = ['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1'] as const;
type TokenReviewVersion = (typeof VERSIONS)[number];

/** Longest token looked at: a service-account JWT is ~1 KiB; OIDC tokens with many claims reach ~8. */
export const MAX_TOKEN_CHARS = 16 * 1024;

export interface TokenReview {
  readonly apiVersion: TokenReviewVersion;
  readonly token: string;
  readonly audiences: readonly string[];
}

function invalid(field: string, what: string): OmegaError {
  return new OmegaError(Code.InvalidArgument, `TokenReview ${field}: ${what}`);
}

/** The TokenReview in a request body (parsed JSON); throws INVALID_ARGUMENT naming the field. */
export function tokenReview(body: unknown): TokenReview {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('body', 'not a JSON object');
  }
  const review = body as Record<string, unknown>;
  if (review['kind'] !== 'TokenReview') {
    throw invalid('kind', `${JSON.stringify(review['kind'])}, expected "TokenReview"`);
  }
  const apiVersion = review['apiVersion'];
  if (!VERSIONS.includes(apiVersion as TokenReviewVersion)) {
    throw invalid('apiVersion', `${JSON.stringify(apiVersion)}, expected ${VERSIONS.join(' or ')}`);
  }
  const spec = review['spec'];
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw invalid('spec', 'not an object');
  }
  const { token, audiences } = spec as Record<string, unknown>;
  if (typeof token !== 'string' || token === '') throw invalid('spec.token', 'missing');
  if (token.length > MAX_TOKEN_CHARS) {
    throw invalid('spec.token', `${token.length} characters, more than ${MAX_TOKEN_CHARS}`);
  }
  if (audiences !== undefined && audiences !== null && !Array.isArray(audiences)) {
    throw invalid('spec.audiences', 'not a list');
  }
  return {
    apiVersion: apiVersion as TokenReviewVersion,
    token,
    audiences: (audiences ?? [])
      .slice(0, 16)
      .map((audience: unknown) => String(audience).slice(0, 256)),
  };
}

/** The answer to every TokenReview: not authenticated, in the version it was asked in. */
export function notAuthenticated(apiVersion: string): object {
  return {
    apiVersion: VERSIONS.includes(apiVersion as TokenReviewVersion) ? apiVersion : VERSIONS[0],
    kind: 'TokenReview',
    status: { authenticated: false },
  };
}

// Who the token is (WhoAmI) and what it may do (CheckAccess): the gateway decides, the console
// only hides what the answer refuses.
import { Gateway } from './gateway-client';

/** The methods behind the console's actions: their buttons show only when allowed. */
export const ACTIONS = [
  '/omega.v1.OrchestratorService/SignalWorkflow',
  '/omega.v1.OrchestratorService/CancelWorkflow',
  '/omega.v1.IntelligenceService/SetRuleEnabled',
  '/omega.v1.IntelligenceService/TestRules',
] as const;
export type Action = (typeof ACTIONS)[number];

export interface Principal {
  readonly id: string;
  readonly kind?: string;
  readonly roles?: readonly string[];
  readonly authMethod?: string;
  readonly tokenId?: string;
  /** Nanoseconds since the epoch, as a decimal string (protobuf JSON). */
  readonly expireTimeNs?: string;
}

export interface Session {
  readonly gateway: Gateway;
  readonly principal: Principal;
  readonly allowed: ReadonlySet<string>;
}

export async function logIn(token: string): Promise<Session> {
  const gateway = new Gateway(token.trim());
  const who = await gateway.call<{ principal?: Principal }>('GatewayService/WhoAmI');
  const principal = who.principal ?? { id: 'anonymous' };
  if (principal.kind === 'PRINCIPAL_KIND_ANONYMOUS') {
    throw new Error(
      'The gateway sees no credential: paste a token made by `omega tokens create` (it starts with omegat_).',
    );
  }
  const access = await gateway.call<{ decisions?: { method: string; allowed?: boolean }[] }>(
    'GatewayService/CheckAccess',
    { methods: [...ACTIONS] },
  );
  const allowed = new Set(
    (access.decisions ?? []).filter((d) => d.allowed === true).map((d) => d.method),
  );
  return { gateway, principal, allowed };
}

/** Milliseconds until the token expires, or undefined when it never does. */
export function expiresInMs(principal: Principal, nowMs: number): number | undefined {
  if (principal.expireTimeNs === undefined || principal.expireTimeNs === '0') return undefined;
  return Number(BigInt(principal.expireTimeNs) / 1_000_000n) - nowMs;
}

const TOKEN_KEY = 'omega.console.token';

/** The token lives for the tab only (sessionStorage), never in a cookie. */
export const tokenStore = {
  load: (): string | undefined => sessionStorage.getItem(TOKEN_KEY) ?? undefined,
  save: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

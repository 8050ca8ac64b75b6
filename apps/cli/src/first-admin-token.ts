// The first admin token of a local stack: made by `omega up` with the operator's certificate the
// first time the stack's gateway is ready, shown once, never stored (only that it was issued).
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GatewayServiceClient } from '@omega/proto';
import { createPromiseClient, errorMessage } from '@omega/runtime';
import { cliChannelCredentials } from './operator-identity';

/** Where `omega up` notes that it issued the first token (its id, never its secret). */
export function firstTokenMarker(dataDir: string): string {
  return join(dataDir, 'operator', 'first-admin-token.issued');
}

/**
 * Lines to print: the token and how to keep it, the first time; a hint afterwards (and when the
 * gateway could not make one, why).
 */
export async function firstAdminToken(dataDir: string, gatewayPort: number): Promise<string[]> {
  const address = `localhost:${gatewayPort}`;
  const login = `omega login --address ${address} --ca-file ${join(dataDir, 'operator', 'ca.pem')} --token-stdin`;
  if (existsSync(firstTokenMarker(dataDir))) {
    return [
      `omega: make API tokens with \`omega tokens create --data-dir ${dataDir}\`; \`${login}\` keeps one`,
    ];
  }
  const credentials = await cliChannelCredentials(dataDir, 'gateway');
  if (credentials === undefined) return [];
  const gateway = createPromiseClient(GatewayServiceClient, address, {
    credentials,
    timeoutMs: 30_000,
  });
  try {
    const { token, secret } = await gateway.createToken({
      subject: 'user:admin',
      roles: ['admin'],
      description: 'first admin token (omega up)',
      ttlSeconds: 0,
      requestId: '',
    });
    await writeFile(
      firstTokenMarker(dataDir),
      `${JSON.stringify({ tokenId: token?.id, expireTimeNs: String(token?.expireTimeNs ?? 0n) })}\n`,
      { mode: 0o600 },
    );
    const expires = new Date(Number((token?.expireTimeNs ?? 0n) / 1_000_000n)).toISOString();
    return [
      `omega: first admin token for user:admin (shown once, expires ${expires}):`,
      `  ${secret}`,
      `omega: keep it with \`${login}\` (paste it), or send it as "authorization: Bearer <token>"`,
    ];
  } catch (err) {
    return [`omega: no first admin token: ${errorMessage(err)}`];
  } finally {
    gateway.close();
  }
}

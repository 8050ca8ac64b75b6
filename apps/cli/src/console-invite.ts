// Where the web console answers in a local stack (the gateway's web port) and, for the demo, a
// responder token to paste into it, made with the operator's certificate.
import { join } from 'node:path';
import { GatewayServiceClient } from '@omega/proto';
import { createPromiseClient, errorMessage } from '@omega/runtime';
import { GATEWAY_WEB_PORT, LOCAL_PORTS } from '@omega/service';
import { cliChannelCredentials } from './operator-identity';

/** The console's URL beside a gateway gRPC port (the web port shifts with it). */
export function consoleUrl(gatewayPort: number, secure: boolean): string {
  const webPort = GATEWAY_WEB_PORT - LOCAL_PORTS.gateway.grpcPort + gatewayPort;
  return `${secure ? 'https' : 'http'}://localhost:${webPort}/`;
}

/** How long the demo's console token lives: a demo session, not a standing credential. */
const DEMO_TOKEN_TTL_SECONDS = 8 * 60 * 60;

/** Lines to print: the console's URL, the CA to trust and a responder token (viewer and approver). */
export async function consoleInvite(
  dataDir: string,
  gatewayPort: number,
  secure: boolean,
): Promise<string[]> {
  const url = consoleUrl(gatewayPort, secure);
  if (!secure) return [`web console: ${url} (no TLS, no login: development only)`];
  const ca = join(dataDir, 'operator', 'ca.pem');
  const credentials = await cliChannelCredentials(dataDir, 'gateway');
  if (credentials === undefined) return [`web console: ${url} (trust the CA in ${ca})`];
  const gateway = createPromiseClient(GatewayServiceClient, `localhost:${gatewayPort}`, {
    credentials,
    timeoutMs: 30_000,
  });
  try {
    const { secret } = await gateway.createToken({
      subject: 'user:demo',
      roles: ['responder'],
      description: 'web console (omega demo)',
      ttlSeconds: DEMO_TOKEN_TTL_SECONDS,
      requestId: '',
    });
    return [
      `web console: ${url} (the browser must trust the CA in ${ca})`,
      `  log in with this responder token (8 h): ${secret}`,
    ];
  } catch (err) {
    return [`web console: ${url}; no token: ${errorMessage(err)}`];
  } finally {
    gateway.close();
  }
}

// TLS handshakes against a server's TLS setup (for bench/gateway: the gateway's gRPC port), as a
// gRPC client makes them (TLS 1.3, ALPN h2, the operator's certificate), with one key-exchange
// group asked for; each connection is closed once the handshake is done and the group it
// negotiated is checked, so a figure never stands for a group the handshake did not use.
import * as tls from 'node:tls';
import { performance } from 'node:perf_hooks';

/**
 * The key-exchange group a handshake to `port` negotiates with `ecdhCurve` (undefined: Node's
 * default list, which Omega's TLS uses: no `ecdhCurve` is set in libs/trust-client).
 */
export function negotiatedGroup(port, files, ecdhCurve) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, files, ecdhCurve, () => {
      const info = socket.getEphemeralKeyInfo();
      socket.destroy();
      resolve(info?.name ?? 'unknown');
    });
    socket.once('error', reject);
  });
}

/** `count` handshakes, `inFlight` at a time, each asking for `group` only: handshakes/s. */
export async function measureHandshakes(port, files, group, { count, inFlight }) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        next++;
        const seen = await negotiatedGroup(port, files, group);
        if (seen !== group) {
          throw new Error(`asked for key-exchange group ${group}, the handshake used ${seen}`);
        }
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** One secure context per group (building one parses the keys and CA: not a handshake's cost). */
const contexts = new Map();

function connect(port, files, ecdhCurve, onSecure) {
  let secureContext = contexts.get(ecdhCurve);
  if (secureContext === undefined) {
    secureContext = tls.createSecureContext({
      ca: files.caPem,
      cert: files.certificatePem,
      key: files.privateKeyPem,
      minVersion: 'TLSv1.3',
      ...(ecdhCurve === undefined ? {} : { ecdhCurve }),
    });
    contexts.set(ecdhCurve, secureContext);
  }
  return tls.connect(
    {
      host: '127.0.0.1',
      port,
      secureContext,
      ALPNProtocols: ['h2'],
      // Trust-issued certificates name an omega:// subject, not a host; the chain is still checked.
      checkServerIdentity: () => undefined,
    },
    onSecure,
  );
}

// The HTTPS admin decoy (persona.extra.tls = "self-signed") against curl, and its certificate kept
// in omega_decoys on a real nats-server: the same certificate after a restart, never a new one
// silently in place of an unreadable one.
import { X509Certificate } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { connectBus, provision, type Bus, type KV } from '@omega/bus';
import { DecoyKind, InteractionKind } from '@omega/proto';
import { Code, OmegaError, createLogger } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import { DECOYS_BUCKET } from '../decoys/decoy-host';
import { runClient } from '../testing/client-process';
import { honeypotFixture } from '../testing/honeypot-fixture';
import { startHttpHoneypot } from './http-honeypot';
import { KvTlsCertificates, tlsCertificateKey } from './http-tls-store';
import type { TlsCertificateSource } from './http-tls';

const nats = withNats({ jetstream: true });
let bus: Bus;
let kv: KV;

beforeAll(async () => {
  bus = await connectBus({
    servers: nats.url,
    name: 'http-tls-spec',
    logger: createLogger({ service: 'spec', level: 'silent' }),
  });
  await provision(bus, { kv: [DECOYS_BUCKET], streams: [] });
  kv = await bus.kv(DECOYS_BUCKET);
});
nats.beforeStop(() => bus.drain());

/** The certificate a TLS server on `port` presents, as a client sees it. */
function peerCertificate(port: number): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.destroy();
      resolve(new X509Certificate(raw));
    });
    socket.on('error', reject);
  });
}

async function httpsDecoy(decoyId: string, certificates: TlsCertificateSource) {
  const fixture = honeypotFixture({
    kind: DecoyKind.DECOY_KIND_HTTP,
    decoyId,
    persona: { hostname: 'gw-admin', extra: { tls: 'self-signed' } },
  });
  const honeypot = await startHttpHoneypot(
    fixture.context,
    { host: '127.0.0.1', port: 0 },
    { certificates },
  );
  return { honeypot, recorder: fixture.recorder };
}

describe('HTTPS admin decoy', () => {
  it('serves its login page over TLS to curl, with a self-signed certificate for its host name', async () => {
    const { honeypot, recorder } = await httpsDecoy('https-1', new KvTlsCertificates(kv));
    try {
      const page = await runClient('curl', ['-sk', `https://127.0.0.1:${honeypot.port}/`]);
      expect(page.code).toBe(0);
      expect(page.stdout).toContain('gw-admin');
      await recorder.until('the GET', (i) => i.request === 'GET /');
      const cert = await peerCertificate(honeypot.port);
      expect(cert.subject).toBe('CN=gw-admin');
      expect(cert.issuer).toBe(cert.subject);
      expect(cert.checkHost('gw-admin')).toBe('gw-admin');
      expect(Date.parse(cert.validFrom)).toBeLessThan(Date.now() - 29 * 86_400_000);
      // Without -k curl refuses it, as it would a real appliance's.
      const strict = await runClient('curl', ['-s', `https://127.0.0.1:${honeypot.port}/`]);
      expect(strict.code).toBe(60);
    } finally {
      await honeypot.close();
    }
  });

  it('records a client that speaks no TLS to it', async () => {
    const { honeypot, recorder } = await httpsDecoy('https-2', new KvTlsCertificates(kv));
    try {
      await runClient('curl', ['-s', '--max-time', '3', `http://127.0.0.1:${honeypot.port}/`]);
      const failed = await recorder.until('the failed handshake', (i) =>
        (i.request ?? '').startsWith('TLS handshake failed'),
      );
      expect(failed.kind).toBe(InteractionKind.INTERACTION_KIND_COMMAND);
    } finally {
      await honeypot.close();
    }
  });

  it('presents the same certificate after a restart, from another store on the same bucket', async () => {
    const first = await httpsDecoy('https-3', new KvTlsCertificates(kv));
    const before = await peerCertificate(first.honeypot.port);
    await first.honeypot.close();
    const second = await httpsDecoy('https-3', new KvTlsCertificates(kv));
    const after = await peerCertificate(second.honeypot.port);
    await second.honeypot.close();
    expect(after.fingerprint256).toBe(before.fingerprint256);
    const kept = JSON.parse(
      Buffer.from((await kv.get(tlsCertificateKey('https-3')))!.value).toString('utf8'),
    ) as { cert: string };
    expect(new X509Certificate(kept.cert).fingerprint256).toBe(before.fingerprint256);
  });

  it('refuses an unreadable kept certificate instead of making a new one', async () => {
    await kv.put(tlsCertificateKey('https-4'), Buffer.from('{"key":"x","cert":"y"}'));
    const error = await new KvTlsCertificates(kv)
      .forDecoy('https-4', 'gw')
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OmegaError);
    expect((error as OmegaError).code).toBe(Code.DataLoss);
    expect((error as OmegaError).message).toContain('tls-certificate.https-4');
  });
});

// End to end over real gRPC: enrollment with @omega/trust-client against the identity handlers
// served in-process (real nats-server behind them), then mutual TLS 1.3 with the issued certificates.
import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { TrustServiceClient, TrustServiceService, type GetIdentityResponse } from '@omega/proto';
import { bindGrpcServer, unimplementedService } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import {
  CredentialRenewal,
  channelCredentials,
  enroll,
  renewingChannelCredentials,
  serverCredentials,
  tlsContextOptions,
  type Credentials,
} from '@omega/trust-client';
import { SERIAL_ATTRIBUTE } from './identity-verifier';
import {
  closeIdentityFixture,
  openIdentityFixture,
  type IdentityFixture,
} from '../testing/identity-spec-helpers';
import { mintJoinToken } from './join-tokens';

const nats = withNats();
let trust: IdentityFixture;
let otherTrust: IdentityFixture;
let trustServer: grpc.Server;
let trustAddress: string;
const servers: grpc.Server[] = [];

async function serve(
  fixture: IdentityFixture,
  credentials = grpc.ServerCredentials.createInsecure(),
): Promise<{ server: grpc.Server; address: string }> {
  const server = new grpc.Server();
  server.addService(TrustServiceService, {
    ...unimplementedService(TrustServiceService),
    ...fixture.service.handlers,
  });
  const port = await bindGrpcServer(server, '127.0.0.1', 0, credentials);
  servers.push(server);
  return { server, address: `127.0.0.1:${port}` };
}

async function enrollService(
  fixture: IdentityFixture,
  address: string,
  name: string,
): Promise<Credentials> {
  const { token } = await mintJoinToken(fixture.service.store, {
    kind: 'service',
    name,
    ttlSeconds: 60,
    nowMs: Date.now(),
  });
  return enroll({
    trustAddress: address,
    joinToken: token,
    subjectKind: 'service',
    name,
    mlDsa: fixture.mlDsa,
  });
}

function getIdentity(
  address: string,
  credentials: grpc.ChannelCredentials,
  id: string,
): Promise<GetIdentityResponse> {
  const client = new TrustServiceClient(address, credentials);
  return new Promise<GetIdentityResponse>((resolve, reject) => {
    client.getIdentity(
      { lookup: { $case: 'identityId', value: id } },
      new grpc.Metadata(),
      { deadline: Date.now() + 5000 },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  }).finally(() => client.close());
}

beforeAll(async () => {
  trust = await openIdentityFixture(nats.url);
  otherTrust = await openIdentityFixture(nats.url, { config: { cluster: 'other' } });
  nats.beforeStop(async () => {
    await Promise.all(
      servers.map((s) => new Promise<void>((resolve) => s.tryShutdown(() => resolve()))),
    );
    await closeIdentityFixture(trust);
    await closeIdentityFixture(otherTrust);
  });
  ({ server: trustServer, address: trustAddress } = await serve(trust));
  expect(trustServer).toBeDefined();
});

describe('enrollment over gRPC', () => {
  it('enrolls a service with a join token and gets credentials whose TLS certificate names its subject', async () => {
    const creds = await enrollService(trust, trustAddress, 'intelligence');
    expect(creds.subject).toBe('omega://local/service/intelligence');
    expect(creds.notAfterMs - creds.notBeforeMs).toBe(3_600_000);
    const leaf = new (await import('node:crypto')).X509Certificate(
      creds.credential.x509CertificateDer,
    );
    expect(leaf.subjectAltName).toBe('URI:omega://local/service/intelligence');
    // TLS has a P-256 key of its own: the leaf does not certify the Omega signing key.
    expect(creds.tlsPrivateKey.asymmetricKeyType).toBe('ec');
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(leaf.checkPrivateKey(creds.tlsPrivateKey)).toBe(true);
    expect(
      leaf.verify(
        new (await import('node:crypto')).X509Certificate(
          trust.service.tlsAuthority.caCertificateDer,
        ).publicKey,
      ),
    ).toBe(true);
    expect(trust.audit.entries.at(-1)).toMatchObject({
      kind: 'IDENTITY_ISSUED',
      subject: creds.subject,
    });
  });

  it('refuses enrollment with a used join token over gRPC, with the failed check in the status', async () => {
    const { token } = await mintJoinToken(trust.service.store, {
      kind: 'service',
      name: 'twin',
      ttlSeconds: 60,
      nowMs: Date.now(),
    });
    await enroll({
      trustAddress,
      joinToken: token,
      subjectKind: 'service',
      name: 'twin',
      mlDsa: trust.mlDsa,
    });
    await expect(
      enroll({
        trustAddress,
        joinToken: token,
        subjectKind: 'service',
        name: 'twin',
        mlDsa: trust.mlDsa,
      }),
    ).rejects.toThrow(/trust IssueIdentity at .*: join token .* already used/);
  });

  it('renews through the renewal loop and hands the new certificate to listeners', async () => {
    const creds = await enrollService(trust, trustAddress, 'orchestrator');
    const renewal = new CredentialRenewal(creds, { trustAddress });
    const seen: Credentials[] = [];
    renewal.onRenewed((c) => seen.push(c));
    const renewed = await renewal.renewNow();
    expect(renewed.identity.attributes[SERIAL_ATTRIBUTE]).not.toBe(
      creds.identity.attributes[SERIAL_ATTRIBUTE],
    );
    expect(renewed.secretKey.keyId).toBe(creds.secretKey.keyId);
    expect(seen).toEqual([renewed]);
    expect(trust.audit.entries.at(-1)).toMatchObject({
      kind: 'IDENTITY_RENEWED',
      subject: creds.subject,
    });
  });
});

describe('mutual TLS 1.3 with trust-issued certificates', () => {
  let serverCreds: Credentials;
  let clientCreds: Credentials;
  let mtlsAddress: string;

  beforeAll(async () => {
    serverCreds = await enrollService(trust, trustAddress, 'deception');
    clientCreds = await enrollService(trust, trustAddress, 'gateway');
    ({ address: mtlsAddress } = await serve(trust, serverCredentials(serverCreds)));
  });

  it('a client with a certificate from the trust CA gets its call through', async () => {
    const response = await getIdentity(
      mtlsAddress,
      channelCredentials(clientCreds, { expectedServerSubject: serverCreds.subject }),
      clientCreds.subject,
    );
    expect(response.identity?.id).toBe('omega://local/service/gateway');
  });

  it('a client that expects another server subject refuses the server', async () => {
    await expect(
      getIdentity(
        mtlsAddress,
        channelCredentials(clientCreds, { expectedServerSubject: 'omega://local/service/twin' }),
        clientCreds.subject,
      ),
    ).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
  });

  it('a peer without a client certificate is refused', async () => {
    const noCert = grpc.credentials.createSsl(Buffer.from(serverCreds.trustBundlePem), null, null, {
      checkServerIdentity: () => undefined,
    });
    await expect(getIdentity(mtlsAddress, noCert, clientCreds.subject)).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
  });

  it('a peer with a certificate from another CA is refused', async () => {
    const { address: otherAddress } = await serve(otherTrust);
    const stranger = await enrollService(otherTrust, otherAddress, 'gateway');
    expect(stranger.subject).toBe('omega://other/service/gateway');
    // It trusts our CA for the server, but presents a certificate our CA never signed.
    const strangerToUs: Credentials = { ...stranger, trustBundlePem: serverCreds.trustBundlePem };
    await expect(
      getIdentity(mtlsAddress, channelCredentials(strangerToUs), clientCreds.subject),
    ).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });

  it('a real TLS connection negotiates TLSv1.3 with the hybrid post-quantum group X25519MLKEM768', async () => {
    const [host, port] = mtlsAddress.split(':') as [string, string];
    const socket = tls.connect({
      host,
      port: Number(port),
      ...tlsContextOptions(clientCreds),
      ALPNProtocols: ['h2'],
      checkServerIdentity: () => undefined,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    try {
      expect(socket.authorized).toBe(true);
      expect(socket.getProtocol()).toBe('TLSv1.3');
      expect(socket.getEphemeralKeyInfo()).toMatchObject({
        type: 'TLSGroup',
        name: 'X25519MLKEM768',
      });
      expect(socket.getPeerCertificate().subjectaltname).toBe(
        'URI:omega://local/service/deception',
      );
    } finally {
      socket.destroy();
    }
  });

  it('refuses TLS 1.2 even with a valid certificate', async () => {
    const [host, port] = mtlsAddress.split(':') as [string, string];
    const socket = tls.connect({
      host,
      port: Number(port),
      ...tlsContextOptions(clientCreds),
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      checkServerIdentity: () => undefined,
    });
    await expect(
      new Promise<void>((resolve, reject) => {
        socket.once('secureConnect', resolve);
        socket.once('error', reject);
      }),
    ).rejects.toThrow(/protocol|version/i);
    socket.destroy();
  });
});

describe('renewal and mutual TLS', () => {
  it('a client on renewing credentials presents the renewed certificate on its next connection', async () => {
    const serverCreds = await enrollService(trust, trustAddress, 'renewal-server');
    const clientCreds = await enrollService(trust, trustAddress, 'renewal-client');
    const presented: string[] = [];
    const server = new grpc.Server();
    server.addService(TrustServiceService, {
      ...unimplementedService(TrustServiceService),
      ...trust.service.handlers,
      getIdentity: (
        call: grpc.ServerUnaryCall<unknown, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        presented.push(call.getAuthContext().sslPeerCertificate?.serialNumber ?? 'none');
        trust.service.handlers.getIdentity(
          call as Parameters<typeof trust.service.handlers.getIdentity>[0],
          callback as Parameters<typeof trust.service.handlers.getIdentity>[1],
        );
      },
    });
    const port = await bindGrpcServer(server, '127.0.0.1', 0, serverCredentials(serverCreds));
    servers.push(server);
    const renewal = new CredentialRenewal(clientCreds, { trustAddress });
    const credentials = renewingChannelCredentials(renewal, {
      expectedServerSubject: serverCreds.subject,
    });
    const call = async (): Promise<void> => {
      // A client of its own subchannel pool: each call below opens a new connection.
      const client = new TrustServiceClient(`127.0.0.1:${port}`, credentials, {
        'grpc.use_local_subchannel_pool': 1,
      });
      await new Promise<void>((resolve, reject) =>
        client.getIdentity(
          { lookup: { $case: 'identityId', value: clientCreds.subject } },
          new grpc.Metadata(),
          { deadline: Date.now() + 5000 },
          (err) => (err ? reject(err) : resolve()),
        ),
      ).finally(() => client.close());
    };
    const serialOf = (c: Credentials): string =>
      new X509Certificate(c.credential.x509CertificateDer).serialNumber.toUpperCase();

    await call();
    const renewed = await renewal.renewNow();
    await call();
    expect(serialOf(renewed)).not.toBe(serialOf(clientCreds));
    expect(presented.map((serial) => serial.toUpperCase())).toEqual([
      serialOf(clientCreds),
      serialOf(renewed),
    ]);
  });
});

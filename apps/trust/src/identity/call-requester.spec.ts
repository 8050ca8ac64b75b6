// requesterOf (@omega/trust-client) on real calls: over mutual TLS 1.3 with certificates trust
// issued, a handler sees the client's verified subject; over a plaintext port only its address.
// The audit entries of rule and block changes name their actor from it.
import * as grpc from '@grpc/grpc-js';
import { TrustServiceClient, TrustServiceService } from '@omega/proto';
import { bindGrpcServer, createPromiseClient, implementService } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import {
  channelCredentials,
  enroll,
  requesterOf,
  serverCredentials,
  type Credentials,
  type Requester,
} from '@omega/trust-client';
import {
  closeIdentityFixture,
  openIdentityFixture,
  silentLogger,
  type IdentityFixture,
} from '../testing/identity-spec-helpers';
import { mintJoinToken } from './join-tokens';

const nats = withNats();
let trust: IdentityFixture;
const servers: grpc.Server[] = [];
const seen: Requester[] = [];

/** Trust's identity handlers, with GetIdentity noting who asked. */
async function serve(credentials: grpc.ServerCredentials): Promise<string> {
  const server = new grpc.Server();
  const handlers = trust.service.handlers;
  server.addService(
    TrustServiceService,
    implementService(
      TrustServiceService,
      {
        ...handlers,
        getIdentity: (request, ctx) => {
          seen.push(requesterOf(ctx.peer));
          return handlers.getIdentity(request, ctx);
        },
      },
      { logger: silentLogger },
    ),
  );
  servers.push(server);
  return `127.0.0.1:${await bindGrpcServer(server, '127.0.0.1', 0, credentials)}`;
}

async function enrollService(address: string, name: string): Promise<Credentials> {
  const { token } = await mintJoinToken(trust.service.store, {
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
    mlDsa: trust.mlDsa,
  });
}

async function askIdentity(address: string, credentials: grpc.ChannelCredentials, id: string) {
  const client = createPromiseClient(TrustServiceClient, address, { credentials });
  try {
    await client.getIdentity({ lookup: { $case: 'identityId', value: id } }, { timeoutMs: 5000 });
  } finally {
    client.close();
  }
}

beforeAll(async () => {
  trust = await openIdentityFixture(nats.url);
  nats.beforeStop(async () => {
    servers.forEach((s) => s.forceShutdown());
    await closeIdentityFixture(trust);
  });
});

it('names the verified client subject under mutual TLS, and only the address without TLS', async () => {
  const plaintext = await serve(grpc.ServerCredentials.createInsecure());
  const server = await enrollService(plaintext, 'deception');
  const client = await enrollService(plaintext, 'gateway');
  const mtls = await serve(serverCredentials(server));

  await askIdentity(
    mtls,
    channelCredentials(client, { expectedServerSubject: server.subject }),
    client.subject,
  );
  await askIdentity(plaintext, grpc.credentials.createInsecure(), client.subject);

  expect(seen).toEqual([
    {
      subject: 'omega://local/service/gateway',
      address: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    },
    { address: expect.stringMatching(/^127\.0\.0\.1:\d+$/) },
  ]);
});

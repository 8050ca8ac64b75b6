// The bench's caller of the gateway's web port (its browser protocol): ListPlaybooks in Connect's
// binary format with connect-node's client, authenticated by an admin bearer token that the
// operator's certificate creates on the gRPC port. Over HTTP/1.1 with keep-alive: Node 24.20+'s
// HTTP/2 client can report a complete response as a premature close (nodejs/node#65677), which
// fails connect-node's HTTP/2 unary calls under load.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** A client with the bench's `listPlaybooks(request)` and `close()`, calling `webPort`. */
export async function webClient({ root, dataDir, gatewayAddress, webPort }) {
  const require = createRequire(join(root, 'package.json'));
  const { createFileRegistry, fromBinary } = require('@bufbuild/protobuf');
  const { FileDescriptorSetSchema } = require('@bufbuild/protobuf/wkt');
  const { createClient } = require('@connectrpc/connect');
  const { createConnectTransport } = require('@connectrpc/connect-node');
  const {
    CreateTokenRequest,
    DESCRIPTOR_SET_BASE64,
    GatewayServiceClient,
  } = require('@omega/proto');
  const { createPromiseClient } = require('@omega/runtime');
  const { cliChannelCredentials } = require(
    join(root, 'apps', 'cli', 'dist', 'operator-identity.js'),
  );
  const gateway = createPromiseClient(GatewayServiceClient, gatewayAddress, {
    credentials: await cliChannelCredentials(dataDir, 'gateway'),
    timeoutMs: 30_000,
  });
  let secret;
  try {
    ({ secret } = await gateway.createToken(
      CreateTokenRequest.fromPartial({ description: 'bench/gateway' }),
    ));
  } finally {
    gateway.close();
  }
  const registry = createFileRegistry(
    fromBinary(FileDescriptorSetSchema, Buffer.from(DESCRIPTOR_SET_BASE64, 'base64')),
  );
  const transport = createConnectTransport({
    baseUrl: `https://localhost:${webPort}`,
    httpVersion: '1.1',
    useBinaryFormat: true,
    nodeOptions: { ca: readFileSync(join(dataDir, 'operator', 'ca.pem')) },
    interceptors: [
      (next) => (request) => {
        request.header.set('authorization', `Bearer ${secret}`);
        return next(request);
      },
    ],
  });
  const client = createClient(registry.getService('omega.v1.OrchestratorService'), transport);
  return {
    listPlaybooks: () => client.listPlaybooks({}, { timeoutMs: 30_000 }),
    close: () => undefined,
  };
}

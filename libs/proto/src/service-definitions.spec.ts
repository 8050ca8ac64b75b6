// The grpc-js service definitions carry the RPCs the contract promises, agree with an independent
// reading of the .proto files (@grpc/proto-loader), and interoperate with it over a real connection.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { alert, protoFiles, protoRoot, toObjectOptions } from './common.fixtures';
import {
  DeceptionServiceService,
  GatewayServiceService,
  IntelligenceServiceService,
  OrchestratorServiceService,
  SentinelServiceService,
  TrustServiceClient,
  TrustServiceService,
  TwinServiceService,
  serviceDefinitions,
  type IntelligenceServiceServer,
} from './index';

/** The contract: every RPC each service must offer; server streams are listed below it. */
const contract: Record<string, readonly string[]> = {
  'omega.v1.TrustService': [
    'IssueIdentity',
    'RenewIdentity',
    'RevokeIdentity',
    'GetIdentity',
    'ListIdentities',
    'VerifyBatch',
    'VerifySignature',
    'Sign',
    'AppendAudit',
    'AppendAuditBatch',
    'ListAuditEntries',
    'GetCheckpoint',
    'GetInclusionProof',
    'GetConsistencyProof',
    'AttestArtifact',
    'VerifyArtifact',
    'GetTrustBundle',
  ],
  'omega.v1.IntelligenceService': [
    'ListAlerts',
    'GetAlert',
    'StreamAlerts',
    'ListIncidents',
    'GetIncident',
    'ExplainAlert',
    'ListRules',
    'ValidateRules',
    'LoadRules',
    'TestRules',
    'SetRuleEnabled',
  ],
  'omega.v1.OrchestratorService': [
    'StartPlaybook',
    'GetWorkflow',
    'ListWorkflows',
    'CancelWorkflow',
    'SignalWorkflow',
    'ListPlaybooks',
    'ValidatePlaybook',
    'PutPlaybook',
    'WatchWorkflow',
  ],
  'omega.v1.DeceptionService': [
    'DeployDecoy',
    'ListDecoys',
    'RemoveDecoy',
    'MintHoneytoken',
    'ListHoneytokens',
    'RevokeHoneytoken',
    'ListInteractions',
  ],
  'omega.v1.TwinService': [
    'GetGraph',
    'FindAttackPaths',
    'SimulateWhatIf',
    'ResetEnv',
    'StepEnv',
    'CloseEnv',
    'AssessExposure',
  ],
  'omega.v1.SentinelService': [
    'GetStatus',
    'BlockSource',
    'UnblockSource',
    'ListBlocks',
    'LoadModule',
    'UnloadModule',
    'ReplayPcap',
  ],
  'omega.v1.GatewayService': [
    'WhoAmI',
    'CheckAccess',
    'GetServerInfo',
    'CreateToken',
    'ListTokens',
    'RevokeToken',
  ],
};
const serverStreaming = new Set([
  '/omega.v1.IntelligenceService/StreamAlerts',
  '/omega.v1.OrchestratorService/WatchWorkflow',
]);

type Method = { path: string; requestStream: boolean; responseStream: boolean };
const methodsOf = (definition: object): Method[] => Object.values(definition) as Method[];

const loaderOptions: protoLoader.Options = {
  includeDirs: [protoRoot],
  keepCase: false,
  longs: String,
  enums: String,
  bytes: String,
  defaults: false,
  oneofs: false,
};
const loaded = protoLoader.loadSync(protoFiles, loaderOptions);
/** Client and server constructors built by grpc-js from proto-loader's reading of the files. */
const dynamic = (
  grpc.loadPackageDefinition(loaded) as unknown as {
    omega: { v1: Record<string, grpc.ServiceClientConstructor> };
  }
).omega.v1;

/** The two IntelligenceService methods of a dynamic (proto-loader) client. */
interface DynamicIntelligenceClient extends grpc.Client {
  GetAlert(
    request: object,
    callback: (error: grpc.ServiceError | null, response: unknown) => void,
  ): void;
  StreamAlerts(request: object): grpc.ClientReadableStream<unknown>;
}

describe('service definitions', () => {
  test('cover the seven omega.v1 services', () => {
    expect(Object.keys(serviceDefinitions).sort()).toEqual(Object.keys(contract).sort());
    expect(serviceDefinitions['omega.v1.TrustService']).toBe(TrustServiceService);
    expect(serviceDefinitions['omega.v1.IntelligenceService']).toBe(IntelligenceServiceService);
    expect(serviceDefinitions['omega.v1.OrchestratorService']).toBe(OrchestratorServiceService);
    expect(serviceDefinitions['omega.v1.DeceptionService']).toBe(DeceptionServiceService);
    expect(serviceDefinitions['omega.v1.TwinService']).toBe(TwinServiceService);
    expect(serviceDefinitions['omega.v1.SentinelService']).toBe(SentinelServiceService);
    expect(serviceDefinitions['omega.v1.GatewayService']).toBe(GatewayServiceService);
  });

  test.each(Object.entries(contract))('%s offers exactly the contract RPCs', (service, rpcs) => {
    const definition = serviceDefinitions[service as keyof typeof serviceDefinitions];
    const paths = methodsOf(definition).map((method) => method.path);
    expect([...paths].sort()).toEqual(rpcs.map((rpc) => `/${service}/${rpc}`).sort());
  });

  test.each(Object.keys(contract))('%s streams only where the contract says so', (service) => {
    const definition = serviceDefinitions[service as keyof typeof serviceDefinitions];
    for (const method of methodsOf(definition)) {
      expect({
        path: method.path,
        requestStream: method.requestStream,
        responseStream: method.responseStream,
      }).toEqual({
        path: method.path,
        requestStream: false,
        responseStream: serverStreaming.has(method.path),
      });
    }
  });

  test.each(Object.keys(contract))(
    '%s matches what @grpc/proto-loader reads from the .proto file',
    (service) => {
      const theirs = loaded[service] as protoLoader.ServiceDefinition;
      const summarize = (methods: Method[]) =>
        methods
          .map(({ path, requestStream, responseStream }) => ({
            path,
            requestStream,
            responseStream,
          }))
          .sort((a, b) => a.path.localeCompare(b.path));
      const definition = serviceDefinitions[service as keyof typeof serviceDefinitions];
      expect(summarize(methodsOf(definition))).toEqual(summarize(Object.values(theirs)));
    },
  );
});

describe('over a real gRPC connection', () => {
  const servers: grpc.Server[] = [];
  const clients: grpc.Client[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
    for (const server of servers.splice(0)) server.forceShutdown();
  });

  async function serve(add: (server: grpc.Server) => void): Promise<string> {
    const server = new grpc.Server();
    servers.push(server);
    add(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    return `127.0.0.1:${port}`;
  }

  test('a ts-proto server answers unary and streaming calls from a proto-loader client', async () => {
    const requests: unknown[] = [];
    const implementation: Partial<IntelligenceServiceServer> = {
      getAlert: (call, callback) => {
        requests.push(call.request);
        callback(null, { alert: alert.ts });
      },
      streamAlerts: (call) => {
        requests.push(call.request);
        call.write({ alert: alert.ts, cursor: 'c1' });
        call.write({ alert: { ...alert.ts, id: 'second' }, cursor: 'c2' });
        call.end();
      },
    };
    const address = await serve((server) =>
      server.addService(IntelligenceServiceService, implementation as IntelligenceServiceServer),
    );

    const Intelligence = dynamic['IntelligenceService']!;
    const client = new Intelligence(
      address,
      grpc.credentials.createInsecure(),
    ) as unknown as DynamicIntelligenceClient;
    clients.push(client);

    const response = await new Promise<unknown>((resolve, reject) =>
      client.GetAlert({ alertId: alert.ts.id }, (error, value) =>
        error ? reject(error) : resolve(value),
      ),
    );
    expect(response).toEqual({ alert: alert.pb });

    const streamed: unknown[] = [];
    const stream = client.StreamAlerts({ startTimeNs: '1732350000000000000' });
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (message) => streamed.push(message));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    expect(streamed).toEqual([
      { alert: alert.pb, cursor: 'c1' },
      { alert: { ...alert.pb, id: 'second' }, cursor: 'c2' },
    ]);

    expect(requests).toEqual([
      { alertId: alert.ts.id },
      { filter: undefined, cursor: '', startTimeNs: 1732350000000000000n },
    ]);
  });

  test('a ts-proto client reads bigint sizes and bytes from a proto-loader server', async () => {
    const Trust = dynamic['TrustService']!;
    const rootHash = 'b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf';
    const address = await serve((server) =>
      server.addService(Trust.service, {
        GetCheckpoint: (
          call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
          callback: grpc.sendUnaryData<unknown>,
        ) =>
          callback(null, {
            checkpoint: {
              origin: 'omega.local/audit',
              treeSize: call.request['treeSize'],
              rootHash: Buffer.from(rootHash, 'hex').toString('base64'),
              timeNs: '1732350125000000000',
              noteBody:
                'omega.local/audit\n9007199254740993\n' +
                Buffer.from(rootHash, 'hex').toString('base64') +
                '\n',
            },
          }),
      }),
    );

    const client = new TrustServiceClient(address, grpc.credentials.createInsecure());
    clients.push(client);
    const response = await new Promise<unknown>((resolve, reject) =>
      client.getCheckpoint({ treeSize: 9007199254740993n }, (error, value) =>
        error ? reject(error) : resolve(value),
      ),
    );
    expect(response).toEqual({
      checkpoint: {
        origin: 'omega.local/audit',
        treeSize: 9007199254740993n,
        rootHash: Buffer.from(rootHash, 'hex'),
        timeNs: 1732350125000000000n,
        signature: undefined,
        noteBody:
          'omega.local/audit\n9007199254740993\n' +
          Buffer.from(rootHash, 'hex').toString('base64') +
          '\n',
      },
    });
  });
});

test('toObject options of the fixtures match the proto-loader options used here', () => {
  // Both sides of the live tests compare against fixture.pb, which assumes these conversions.
  expect({
    longs: loaderOptions.longs,
    enums: loaderOptions.enums,
    bytes: loaderOptions.bytes,
  }).toEqual({
    longs: toObjectOptions.longs,
    enums: toObjectOptions.enums,
    bytes: toObjectOptions.bytes,
  });
});

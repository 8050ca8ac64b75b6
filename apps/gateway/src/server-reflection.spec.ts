// Server reflection on the gateway, asked by grpcurl (a real client no one here wrote) without any
// .proto file: it lists the contract's services the gateway serves and describes services and
// messages, map fields included (the shape @grpc/reflection gets wrong, grpcurl#519), from the
// descriptor set buf built.
import { DESCRIPTOR_SET_BASE64 } from '@omega/proto';
import type { RunningService } from '@omega/service';
import { grpcurl, withNats, type GrpcurlRun } from '@omega/testkit';
import { REFLECTED_SERVICES, type GatewayServiceConfig } from './gateway-service';
import { DescriptorIndex } from './server-reflection';
import { startGateway } from './testing/start-gateway';

const nats = withNats({ jetstream: true });
let running: RunningService<GatewayServiceConfig>;

beforeAll(async () => {
  running = await startGateway(nats.url, { OMEGA_LOG_LEVEL: 'error' });
}, 30_000);

nats.beforeStop(async () => {
  await running?.service.shutdown('test done');
});

/** `grpcurl -plaintext <gateway> <verb> [symbol]`. */
function ask(...args: string[]): Promise<GrpcurlRun> {
  return grpcurl(['-plaintext', `127.0.0.1:${running.grpcPort}`, ...args]);
}

describe('server reflection', () => {
  it('lists the contract’s services the gateway serves', async () => {
    const listed = await ask('list');
    expect(listed.stderr).toBe('');
    expect(listed.stdout.trim().split('\n')).toEqual([...REFLECTED_SERVICES].sort());
  });

  it('describes a service with its streaming methods', async () => {
    const described = await ask('describe', 'omega.v1.OrchestratorService');
    expect(described).toMatchObject({ code: 0 });
    expect(described.stdout).toContain(
      'rpc WatchWorkflow ( .omega.v1.WatchWorkflowRequest ) returns ( stream .omega.v1.WatchWorkflowResponse );',
    );
  });

  it('describes a message with a map field, from a file that imports another', async () => {
    const described = await ask('describe', 'omega.v1.StartPlaybookRequest');
    expect(described).toMatchObject({ code: 0 });
    expect(described.stdout).toContain('map<string, string> inputs = 3;');
  });

  it('answers a symbol the contract does not define as not found', async () => {
    const described = await ask('describe', 'omega.v1.NoSuchThing');
    expect(described.code).not.toBe(0);
    expect(described.stderr).toContain('omega.v1.NoSuchThing');
  });

  it('indexes every file with its imports, the requested file first', () => {
    const index = new DescriptorIndex(Buffer.from(DESCRIPTOR_SET_BASE64, 'base64'));
    expect(index.fileDefining('.omega.v1.TrustService.Sign')).toBe('omega/v1/trust.proto');
    expect(index.fileDefining('omega.v1.WatchWorkflowResponse')).toBe(
      'omega/v1/orchestrator.proto',
    );
    expect(index.withDependencies('omega/v1/orchestrator.proto')?.length).toBe(2);
    expect(index.withDependencies('omega/v1/nothing.proto')).toBeUndefined();
  });
});

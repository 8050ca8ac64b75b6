// MintHoneytoken and DeployDecoy are idempotent on request_id through the deception service as it
// runs (real nats-server, real gRPC), across a restart: a repeated mint is ALREADY_EXISTS naming
// the honeytoken the first call minted (its secret is shown once), a repeated deploy answers the
// same decoy; a failed call leaves the request_id free; an old record is swept after the window.
import {
  DeceptionServiceClient,
  DecoyKind,
  DecoySpec,
  DeployDecoyRequest,
  HoneytokenKind,
  ListDecoysRequest,
  ListHoneytokensRequest,
  MintHoneytokenRequest,
  type DeceptionServiceService,
} from '@omega/proto';
import { Code, createPromiseClient, type PromiseClient } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import { freePort, withNats } from '@omega/testkit';
import type { DeceptionServiceConfig } from './deception-service';
import { HONEYTOKENS_BUCKET } from './honeytokens/honeytoken-record';
import { REQUEST_ID_WINDOW_MS, RequestIds } from './request-ids';
import { startDeception } from './testing/start-deception';

const nats = withNats({ jetstream: true });
const running: RunningService<DeceptionServiceConfig>[] = [];
const clients: PromiseClient<typeof DeceptionServiceService>[] = [];

async function start(): Promise<PromiseClient<typeof DeceptionServiceService>> {
  const service = await startDeception(nats.url);
  running.push(service);
  const client = createPromiseClient(DeceptionServiceClient, `127.0.0.1:${service.grpcPort}`);
  clients.push(client);
  return client;
}

async function restart(): Promise<PromiseClient<typeof DeceptionServiceService>> {
  clients.at(-1)?.close();
  await running.at(-1)?.service.shutdown('restart');
  return start();
}

nats.beforeStop(async () => {
  for (const client of clients) client.close();
  for (const service of running) await service.service.shutdown('test done');
});

const credential = (requestId: string) =>
  MintHoneytokenRequest.fromPartial({
    kind: HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL,
    name: 'svc-backup',
    placement: '.env of deploy/legacy-api',
    requestId,
  });

describe('request_id', () => {
  it('mints once per request_id: a repeat, before and after a restart, is ALREADY_EXISTS naming the honeytoken', async () => {
    let client = await start();
    const first = await client.mintHoneytoken(credential('mint-1'));
    expect(first.secretValue).not.toBe('');
    const id = first.honeytoken!.id;
    await expect(client.mintHoneytoken(credential('mint-1'))).rejects.toMatchObject({
      code: Code.AlreadyExists,
      message: expect.stringContaining(`request_id "mint-1" already minted honeytoken ${id}`),
    });
    client = await restart();
    await expect(client.mintHoneytoken(credential('mint-1'))).rejects.toMatchObject({
      code: Code.AlreadyExists,
      message: expect.stringContaining(
        `honeytoken ${id} (HONEYTOKEN_KIND_CREDENTIAL "svc-backup")`,
      ),
    });
    const other = await client.mintHoneytoken(credential('mint-2'));
    expect(other.honeytoken!.id).not.toBe(id);
    const { honeytokens } = await client.listHoneytokens(ListHoneytokensRequest.fromPartial({}));
    expect(honeytokens.map((t) => t.id).sort()).toEqual([id, other.honeytoken!.id].sort());
  }, 60_000);

  it('leaves the request_id of a failed mint free for a retry', async () => {
    const client = clients.at(-1) ?? (await start());
    // DNS canaries need the responder, off here: FAILED_PRECONDITION, twice, never ALREADY_EXISTS
    const dns = MintHoneytokenRequest.fromPartial({
      kind: HoneytokenKind.HONEYTOKEN_KIND_DNS_CANARY,
      name: 'db-host',
      requestId: 'mint-fails',
    });
    for (let i = 0; i < 2; i++) {
      await expect(client.mintHoneytoken(dns)).rejects.toMatchObject({
        code: Code.FailedPrecondition,
      });
    }
  });

  it('deploys once per request_id: a repeat, before and after a restart, answers the same decoy', async () => {
    let client = clients.at(-1) ?? (await start());
    const deploy = (port: number) =>
      DeployDecoyRequest.fromPartial({
        spec: DecoySpec.fromPartial({ kind: DecoyKind.DECOY_KIND_REDIS, name: 'cache', port }),
        requestId: 'deploy-1',
      });
    const first = await client.deployDecoy(deploy(await freePort()));
    // the repeat names another port: it must not deploy a second decoy there
    const again = await client.deployDecoy(deploy(await freePort()));
    expect(again.decoy?.id).toBe(first.decoy!.id);
    client = await restart();
    const afterRestart = await client.deployDecoy(deploy(await freePort()));
    expect(afterRestart.decoy?.id).toBe(first.decoy!.id);
    const { decoys } = await client.listDecoys(ListDecoysRequest.fromPartial({}));
    expect(decoys.map((d) => d.id)).toEqual([first.decoy!.id]);
  }, 60_000);

  it('sweeps request records older than the window, and only those', async () => {
    const bus = running.at(-1)!.bus;
    const kv = await bus.kv(HONEYTOKENS_BUCKET);
    let nowMs = Date.now();
    const requests = new RequestIds(kv, 'MintHoneytoken', () => nowMs);
    const claim = await requests.claim(undefined, 'swept');
    if (claim.done) throw new Error('a fresh request_id was already done');
    await claim.complete('00000000000000aa');
    expect(await requests.sweep(100)).toBe(0);
    expect(await requests.claim(undefined, 'swept')).toMatchObject({ done: true });
    nowMs += REQUEST_ID_WINDOW_MS + 1;
    // "mint-1" and the others above are as old now: all of them go
    const swept = await requests.sweep(100);
    expect(swept).toBeGreaterThanOrEqual(2);
    expect(await requests.claim(undefined, 'swept')).toMatchObject({ done: false });
  });
});

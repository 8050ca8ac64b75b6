// SSH decoys keep their host key across a restart of the deception service (real nats-server, real
// gRPC, Debian's ssh-keyscan): the key is kept beside the decoy in omega_decoys, never in what
// ListDecoys answers, and a key ssh2 cannot read is refused rather than silently replaced.
import {
  DeceptionServiceClient,
  DecoyKind,
  DecoySpec,
  DecoyStatus,
  DeployDecoyRequest,
  ListDecoysRequest,
  type DeceptionServiceService,
} from '@omega/proto';
import { Code, createPromiseClient, type PromiseClient } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import { freePort, withNats } from '@omega/testkit';
import { DECOYS_BUCKET } from '../decoys/decoy-host';
import type { DeceptionServiceConfig } from '../deception-service';
import { keyscan } from '../testing/ssh-clients';
import { startDeception } from '../testing/start-deception';
import { utils } from 'ssh2';
import { KvSshHostKeys, sshHostKeyKey } from './ssh-host-key-store';

const nats = withNats({ jetstream: true });
const running: RunningService<DeceptionServiceConfig>[] = [];
const clients: PromiseClient<typeof DeceptionServiceService>[] = [];

async function start() {
  const service = await startDeception(nats.url);
  running.push(service);
  const client = createPromiseClient(DeceptionServiceClient, `127.0.0.1:${service.grpcPort}`);
  clients.push(client);
  return { service, client };
}

nats.beforeStop(async () => {
  for (const client of clients) client.close();
  for (const service of running) await service.service.shutdown('test done');
});

/** The "ssh-ed25519 AAAA..." part of ssh-keyscan's line. */
const hostKeyOf = (scan: { stdout: string }) => scan.stdout.trim().split(/\s+/).slice(1).join(' ');

describe('SSH decoy host keys', () => {
  it('shows ssh-keyscan the same host key before and after the deception service restarts', async () => {
    const port = await freePort();
    const first = await start();
    const { decoy } = await first.client.deployDecoy(
      DeployDecoyRequest.fromPartial({
        spec: DecoySpec.fromPartial({
          kind: DecoyKind.DECOY_KIND_SSH,
          name: 'bastion-2',
          namespace: 'ops',
          port,
        }),
      }),
    );
    expect(decoy?.status).toBe(DecoyStatus.DECOY_STATUS_RUNNING);
    const before = hostKeyOf(await keyscan(port));
    expect(before).toMatch(/^ssh-ed25519 AAAA/);
    const listed = await first.client.listDecoys(ListDecoysRequest.fromPartial({}));
    expect(
      JSON.stringify(listed, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
    ).not.toMatch(/PRIVATE KEY|ssh-host-key/);
    await first.service.service.shutdown('restart');

    const second = await start();
    const after = hostKeyOf(await keyscan(port));
    expect(after).toBe(before);
    const kv = await second.service.bus.kv(DECOYS_BUCKET);
    const kept = await kv.get(sshHostKeyKey(decoy!.id));
    // the key served is the one kept in the bucket (what a new process reads), not one in memory
    const parsed = utils.parseKey(Buffer.from(kept!.value).toString());
    if (parsed instanceof Error) throw parsed;
    expect(after).toBe(`ssh-ed25519 ${parsed.getPublicSSH().toString('base64')}`);
  }, 60_000);

  it('gives two decoys different keys and refuses a kept key ssh2 cannot read', async () => {
    const service = running.at(-1) ?? (await start()).service;
    const kv = await service.bus.kv(DECOYS_BUCKET);
    const keys = new KvSshHostKeys(kv);
    const a = await keys.forDecoy('dc-00000000000a');
    expect(await keys.forDecoy('dc-00000000000a')).toBe(a);
    expect(await keys.forDecoy('dc-00000000000b')).not.toBe(a);
    await kv.put(sshHostKeyKey('dc-00000000000c'), Buffer.from('not a key'));
    await expect(keys.forDecoy('dc-00000000000c')).rejects.toMatchObject({
      code: Code.DataLoss,
      message: expect.stringContaining('omega_decoys ssh-host-key.dc-00000000000c'),
    });
  });
});

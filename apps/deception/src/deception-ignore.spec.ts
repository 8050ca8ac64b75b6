// deception.ignore in the service's configuration file, on a real nats-server: curl from 127.0.0.1
// against a deployed HTTP decoy is not published when 127.0.0.0/8 is listed (ListInteractions
// shows nothing, the metric counts it), and a bad CIDR stops the service naming the entry.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeceptionServiceClient,
  DecoyKind,
  ListInteractionsRequest,
  type DeceptionServiceService,
} from '@omega/proto';
import { createPromiseClient, type PromiseClient } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import { eventually, freePort, withNats } from '@omega/testkit';
import type { DeceptionServiceConfig } from './deception-service';
import { runClient } from './testing/client-process';
import { startDeception } from './testing/start-deception';

jest.setTimeout(60_000);

const nats = withNats({ jetstream: true });
const dir = mkdtempSync(join(tmpdir(), 'deception-ignore-'));
let running: RunningService<DeceptionServiceConfig>;
let client: PromiseClient<typeof DeceptionServiceService>;

function configFile(name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

beforeAll(async () => {
  const file = configFile(
    'ignore.yaml',
    'deception:\n  ignore:\n    sources: ["10.42.0.0/16", "127.0.0.0/8"]\n',
  );
  running = await startDeception(nats.url, { OMEGA_CONFIG_FILE: file });
  client = createPromiseClient(DeceptionServiceClient, `127.0.0.1:${running.grpcPort}`);
}, 30_000);

nats.beforeStop(async () => {
  client?.close();
  await running?.service.shutdown('test done');
});

async function ignoredBySource(): Promise<number> {
  const metric = running.service.metrics.getSingleMetric(
    'omega_deception_interactions_ignored_total',
  );
  return (await metric?.get())?.values.find((v) => v.labels['reason'] === 'source')?.value ?? 0;
}

describe('deception.ignore in the configuration file', () => {
  it('does not publish curl from 127.0.0.1 and counts its interactions as ignored by source', async () => {
    const port = await freePort();
    const { decoy } = await client.deployDecoy({
      spec: {
        kind: DecoyKind.DECOY_KIND_HTTP,
        name: 'grafana',
        namespace: 'monitoring',
        port,
        labels: {},
        banner: '',
        honeytokenIds: [],
        ttlSeconds: 0,
      },
      dryRun: false,
      requestId: '',
    });
    const run = await runClient('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/`]);
    expect(run.code).toBe(0);
    // CONNECT, the GET and DISCONNECT.
    await eventually('3 interactions ignored', async () =>
      (await ignoredBySource()) === 3 ? true : undefined,
    );
    const listed = await client.listInteractions(
      ListInteractionsRequest.fromPartial({ decoyId: decoy!.id }),
    );
    expect(listed.events).toEqual([]);
    const [described] = (
      await client.listDecoys({
        namespace: 'monitoring',
        kind: 0,
        includeRemoved: false,
        pageSize: 0,
        pageToken: '',
      })
    ).decoys;
    expect(described?.interactionCount).toBe(0n);
  });

  it('refuses to start with a bad CIDR, naming the entry', async () => {
    const file = configFile(
      'bad.yaml',
      'deception:\n  ignore:\n    sources: ["10.42.0.0/16", "10.0.0.0/33"]\n',
    );
    await expect(startDeception(nats.url, { OMEGA_CONFIG_FILE: file })).rejects.toThrow(
      `config: deception.ignore.sources[1]: not a CIDR or address (e.g. 10.42.0.0/16, 127.0.0.1, fd00::/8), got "10.0.0.0/33" (file ${file})`,
    );
  });
});

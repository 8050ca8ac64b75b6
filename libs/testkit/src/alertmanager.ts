// A real Prometheus Alertmanager (Debian's prometheus-alertmanager) on a free loopback port, with
// a throwaway config and data dir, for specs of what Omega sends to its API v2.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, OmegaError } from '@omega/runtime';
import { ChildServer } from './child-server';
import { freePort } from './free-port';

/** Debian's binary (apt package prometheus-alertmanager). */
export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';

export interface Alertmanager {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The alerts it holds, as its API v2 returns them (`GET /api/v2/alerts`). */
  alerts(): Promise<AlertmanagerAlert[]>;
  stop(): Promise<void>;
}

/** The fields of API v2's gettableAlert a spec reads. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  status: { state: string };
}

// One receiver that sends nowhere: alerts are held and served by the API.
const CONFIG = `route:
  receiver: hold
receivers:
  - name: hold
`;

export async function startAlertmanager(readyTimeoutMs = 30_000): Promise<Alertmanager> {
  if (!existsSync(ALERTMANAGER_BINARY)) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${ALERTMANAGER_BINARY} is missing: apt-get install prometheus-alertmanager (.ci/run installs it)`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'omega-alertmanager-'));
  await writeFile(join(dir, 'alertmanager.yml'), CONFIG);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = new ChildServer('alertmanager', ALERTMANAGER_BINARY, [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // No gossip cluster: a single instance.
    '--cluster.listen-address=',
  ]);
  server.start();
  const stop = async (): Promise<void> => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const deadline = Date.now() + readyTimeoutMs; ;) {
      server.assertAlive();
      const ready = await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) {
        throw new OmegaError(
          Code.DeadlineExceeded,
          `alertmanager on ${url} not ready within ${readyTimeoutMs} ms; its log ends with:\n${server.logTail(20)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    async alerts() {
      const response = await fetch(`${url}/api/v2/alerts`);
      if (!response.ok) {
        throw new OmegaError(
          Code.Unavailable,
          `alertmanager GET /api/v2/alerts: HTTP ${response.status}`,
        );
      }
      return (await response.json()) as AlertmanagerAlert[];
    },
    stop,
  };
}

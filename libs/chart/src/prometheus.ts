// A real Prometheus (Debian's `prometheus` package) for tests: scrapes the targets it is given
// every second from a throwaway data directory, answers PromQL over its HTTP API; and its promtool,
// which lints an exposition and checks and unit-tests rule files.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Code, OmegaError } from '@omega/runtime';
import { freePort } from '@omega/testkit';

export const PROMETHEUS_INSTALL_COMMAND = 'apt-get install --no-install-recommends prometheus';

export interface ScrapeJob {
  job: string;
  target: string;
  /** Labels added to every series of the job (as a ServiceMonitor's relabelling would). */
  labels?: Record<string, string>;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface Prometheus {
  readonly url: string;
  /** An instant query; the vector (or scalar, as one sample) it returns. */
  query(expr: string): Promise<PromSample[]>;
  stop(): Promise<void>;
}

/** `PROMETHEUS_BIN`, else /usr/bin/prometheus; says how to install it when absent. */
export function findPrometheus(env: NodeJS.ProcessEnv = process.env): string {
  const path = env['PROMETHEUS_BIN'] || '/usr/bin/prometheus';
  try {
    accessSync(path, fsConstants.X_OK);
    return path;
  } catch {
    throw new OmegaError(
      Code.FailedPrecondition,
      `prometheus not found at ${path}: install Debian's with: ${PROMETHEUS_INSTALL_COMMAND} (or set PROMETHEUS_BIN)`,
    );
  }
}

/** `PROMTOOL_BIN`, else promtool beside the Prometheus binary (Debian ships both). */
export function findPromtool(env: NodeJS.ProcessEnv = process.env): string {
  const path = env['PROMTOOL_BIN'] || join(dirname(findPrometheus(env)), 'promtool');
  try {
    accessSync(path, fsConstants.X_OK);
    return path;
  } catch {
    throw new OmegaError(
      Code.FailedPrecondition,
      `promtool not found at ${path}: install Debian's with: ${PROMETHEUS_INSTALL_COMMAND} (or set PROMTOOL_BIN)`,
    );
  }
}

export interface PromtoolResult {
  code: number;
  output: string;
}

/** Runs promtool with `args`, `stdin` on its standard input; its exit code and all it printed. */
export function promtool(args: readonly string[], stdin?: string): Promise<PromtoolResult> {
  const binary = findPromtool();
  return new Promise((resolve, reject) => {
    const child = execFile(binary, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : undefined) : 0;
      if (code === undefined) reject(new Error(`promtool ${args.join(' ')}: ${err?.message}`));
      else resolve({ code, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(stdin ?? '');
  });
}

export async function startPrometheus(jobs: readonly ScrapeJob[]): Promise<Prometheus> {
  const binary = findPrometheus();
  const dir = await mkdtemp(join(tmpdir(), 'omega-prometheus-'));
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    scrape_configs: jobs.map((j) => ({
      job_name: j.job,
      static_configs: [{ targets: [j.target], labels: j.labels ?? {} }],
    })),
  };
  // JSON is YAML: Prometheus reads it as its config file.
  await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (log = (log + c).slice(-16_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const query = async (expr: string): Promise<PromSample[]> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: unknown };
    };
    if (body.status !== 'success') throw new Error(`PromQL ${expr}: ${body.error ?? res.status}`);
    if (body.data?.resultType === 'scalar') {
      return [{ metric: {}, value: body.data.result as [number, string] }];
    }
    return body.data?.result as PromSample[];
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited (${child.exitCode}) before it was ready:\n${log}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, query, stop };
}

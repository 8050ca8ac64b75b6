// `omega demo`: live mode when this machine can run it (Linux, root, the eBPF loader built, ip and
// tcpdump present), else replay mode, saying why. Ctrl-C stops the run and cleans up.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '@omega/runtime';
import { runDemo } from './demo-run';
import type { DemoMode } from './demo-report';

export interface DemoCommandOptions {
  readonly root: string;
  readonly replay: boolean;
  readonly keep: boolean;
  readonly recordDir: string | undefined;
  readonly dataDir: string | undefined;
  readonly portOffset: number;
}

/** The repository's recorded live run, replayed in replay mode. */
export function defaultReplayDir(root: string): string {
  return join(root, 'test-corpus', 'demo');
}

/** Live mode, or why not. */
export function liveModeBlocker(root: string): string | undefined {
  if (process.platform !== 'linux') return `live mode needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0)
    return 'not running as root (live mode creates network namespaces and loads eBPF)';
  const loader = join(root, 'bpf', 'build', 'loader');
  if (!existsSync(loader)) {
    // A fresh clone has no loader yet: build it as the sentinel's eBPF specs do.
    const make = spawnSync('make', ['-C', join(root, 'bpf')], { encoding: 'utf8' });
    if (make.status !== 0 || !existsSync(loader)) {
      const why = (make.stderr || make.error?.message || '').trim().split('\n').slice(-1)[0];
      return `no eBPF loader at ${loader} and make -C bpf failed (${why}; see bpf/README.md)`;
    }
  }
  for (const tool of ['ip', 'tcpdump']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (apt-get install ${tool === 'ip' ? 'iproute2' : 'tcpdump'})`;
    }
  }
  return undefined;
}

export async function demoCommand(options: DemoCommandOptions): Promise<number> {
  const write = (text: string): void => void process.stdout.write(text);
  let mode: DemoMode = 'replay';
  if (!options.replay) {
    const blocker = liveModeBlocker(options.root);
    if (blocker) write(`omega demo: ${blocker}: falling back to replay mode.\n`);
    else mode = 'live';
  }
  if (options.recordDir && mode !== 'live') {
    write('omega demo: --record needs live mode\n');
    return 2;
  }
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    write(`\nomega demo: ${signal} received, stopping and cleaning up…\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await runDemo({
      root: options.root,
      mode,
      stateDir: options.dataDir ?? join(options.root, '.omega', 'demo'),
      portOffset: options.portOffset,
      keep: options.keep,
      write,
      progress: process.stdout.isTTY === true,
      nodeBin: process.execPath,
      recordDir: options.recordDir,
      replayDir: defaultReplayDir(options.root),
      signal: abort.signal,
    });
    return report.failures.length === 0 ? 0 : 1;
  } catch (err) {
    if (abort.signal.aborted) {
      write('omega demo: stopped; everything it started was cleaned up.\n');
      return 130;
    }
    write(`omega demo: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

// `omega up`: runs the local stack in the foreground until Ctrl-C, reporting readiness and crashes.
import { join } from 'node:path';
import { errorMessage } from '@omega/runtime';
import { SERVICE_NAMES, type ServiceName } from '@omega/service';
import { consoleUrl } from './console-invite';
import { firstAdminToken } from './first-admin-token';
import { LocalStack } from './local-stack';
import { renderStatusTable } from './status-table';

export interface UpOptions {
  root: string;
  portOffset: number;
  dataDir: string | undefined;
  services: string | undefined;
  /** Start, print the status table, then stop: a smoke check of the whole stack. */
  exitWhenReady: boolean;
  readyTimeoutMs: number;
  /** Development only: no TLS, no authentication (default: mutual TLS and an authenticated bus). */
  insecurePlaintext: boolean;
}

export async function upCommand(options: UpOptions): Promise<number> {
  const services = parseServices(options.services);
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const stateDir = options.dataDir ?? join(options.root, '.omega');
  const stack = new LocalStack({
    root: options.root,
    stateDir,
    portOffset: options.portOffset,
    services,
    out,
    readyTimeoutMs: options.readyTimeoutMs,
    nodeBin: process.execPath,
    insecurePlaintext: options.insecurePlaintext,
  });

  let stopRequested: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    out(`\nomega: ${signal} received, stopping…`);
    stopRequested?.();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    await stack.start();
  } catch (err) {
    out(`omega: could not start: ${errorMessage(err)}`);
    await stack.stop();
    return 1;
  }
  out(`\n${renderStatusTable(stack.status())}\n`);
  const notReady = stack.status().filter((r) => r.state !== 'ready' && r.state !== 'running');
  if (notReady.length > 0) {
    out(`omega: ${notReady.map((r) => r.name).join(', ')} did not become ready; stopping.`);
    await stack.stop();
    return 1;
  }
  out('omega: every service is ready. Ctrl-C stops them all.');
  if (stack.secure && services.includes('gateway')) {
    for (const line of await firstAdminToken(stateDir, stack.portsOf('gateway').grpcPort))
      out(line);
  }
  if (services.includes('gateway')) {
    out(`omega: web console at ${consoleUrl(stack.portsOf('gateway').grpcPort, stack.secure)}`);
  }

  if (options.exitWhenReady) stopRequested?.();
  const crashWatch = setInterval(() => {
    if (stack.crashed().length > 0) {
      out(`\n${renderStatusTable(stack.status())}\n`);
      clearInterval(crashWatch);
    }
  }, 500);
  await stopped;
  clearInterval(crashWatch);
  await stack.stop();
  const crashed = stack.crashed();
  out(`\n${renderStatusTable(stack.status())}`);
  return crashed.length > 0 ? 1 : 0;
}

function parseServices(list: string | undefined): ServiceName[] {
  if (!list) return [...SERVICE_NAMES];
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(SERVICE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(
      `--services: unknown service ${unknown.join(', ')}; expected some of ${SERVICE_NAMES.join(', ')}`,
    );
  }
  return names as ServiceName[];
}

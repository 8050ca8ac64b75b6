// A rendered container's environment handed to the built service itself
// (apps/<service>/dist/main.js), whose config loader refuses unknown OMEGA_* names and bad values:
// whether the service got past its configuration, and what it printed.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHART_DIR, type KubeObject } from './chart';

const ROOT = join(CHART_DIR, '..', '..');
/** Logged by every service right after its configuration loaded (libs/service runService). */
const CONFIG_ACCEPTED = 'connecting to NATS';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

/**
 * A rendered ConfigMap as the kubelet mounts it: a directory (created at `dir`) with a file per key.
 * Resolves with `dir`; throws when the ConfigMap was not rendered.
 */
export async function configMapDirectory(
  objects: readonly KubeObject[],
  name: string,
  dir: string,
): Promise<string> {
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  if (!configMap) throw new Error(`no ConfigMap ${name} rendered`);
  await mkdir(dir, { recursive: true });
  for (const [key, value] of Object.entries((configMap['data'] ?? {}) as Record<string, string>)) {
    await writeFile(join(dir, key), value);
  }
  return dir;
}

/**
 * The first container's environment of a Deployment or DaemonSet as the kubelet would give it:
 * literal values, and the node name (`node-1`) for a spec.nodeName field reference.
 */
export function containerEnv(o: KubeObject): Record<string, string> {
  const spec = o['spec'] as { template: { spec: { containers: { env?: EnvVar[] }[] } } };
  const env: Record<string, string> = {};
  for (const v of spec.template.spec.containers[0]?.env ?? []) {
    if (v.value !== undefined) env[v.name] = v.value;
    else if (v.valueFrom?.fieldRef?.fieldPath === 'spec.nodeName') env[v.name] = 'node-1';
  }
  return env;
}

/**
 * Runs the built service with `env` (and nothing else of this process's environment but PATH and
 * HOME) until it logs that its configuration loaded, or exits, or 60 s pass; the process is then
 * killed. NATS is not reachable, so a service that accepted its configuration waits there.
 */
export function runUntilConfigured(
  service: string,
  env: Record<string, string>,
): Promise<{ accepted: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'apps', service, 'dist', 'main.js')], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let done = false;
    const finish = (accepted: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve({ accepted, output });
    };
    const timer = setTimeout(() => finish(false), 60_000);
    const onData = (chunk: string) => {
      output += chunk;
      if (output.includes(CONFIG_ACCEPTED)) finish(true);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', () => finish(false));
  });
}

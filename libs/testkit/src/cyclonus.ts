// Test-only: cyclonus (github.com/mattfenwick/cyclonus, Policy Assistant's predecessor) as a second
// implementation: built once with `go install` into ~/.cache/omega, then asked for its verdict with
// `cyclonus analyze --mode probe` on a synthetic probe model, its printed tables read back.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const CYCLONUS_VERSION = 'v0.5.6';

/** The cached binary, built on first use (needs the Go toolchain and the module proxy). */
export function cyclonusBinary(): string {
  const dir = join(homedir(), '.cache', 'omega', `cyclonus-${CYCLONUS_VERSION}`);
  const binary = join(dir, 'cyclonus');
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    execFileSync(
      'go',
      ['install', `github.com/mattfenwick/cyclonus/cmd/cyclonus@${CYCLONUS_VERSION}`],
      {
        env: { ...process.env, GOBIN: dir, GOFLAGS: '-mod=mod' },
        stdio: 'inherit',
        timeout: 900_000,
      },
    );
  }
  return binary;
}

export interface CyclonusPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ip: string;
  /** In order: cyclonus resolves a port number to the first container's name that has it. */
  containers: { port: number; protocol: string }[];
}

export interface CyclonusModel {
  namespaces: Record<string, Record<string, string>>;
  pods: CyclonusPod[];
}

/** One probe's tables: "from>to" → cyclonus's cell ('.' allowed, 'X' blocked). */
export interface CyclonusTables {
  ingress: Map<string, string>;
  egress: Map<string, string>;
  combined: Map<string, string>;
}

/** Runs `cyclonus analyze --mode probe` on the policies and model; one result per probe, in order. */
export function cyclonusProbe(
  binary: string,
  policies: readonly unknown[],
  model: CyclonusModel,
  probes: readonly { port: number; protocol: string }[],
): CyclonusTables[] {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-cyclonus-'));
  try {
    mkdirSync(join(dir, 'policies'));
    // One file per policy (cyclonus reads only the first document of a file), written as JSON: in
    // the YAML 1.1 cyclonus reads, a bare `y` (namespace y) is the boolean true.
    policies.forEach((policy, i) =>
      writeFileSync(join(dir, 'policies', `policy-${i}.yaml`), JSON.stringify(policy)),
    );
    writeFileSync(
      join(dir, 'probe.json'),
      JSON.stringify({
        Probes: probes.map((p) => ({ Protocol: p.protocol, Port: p.port })),
        Resources: {
          Namespaces: model.namespaces,
          Pods: model.pods.map((pod) => ({
            Namespace: pod.namespace,
            Name: pod.name,
            Labels: pod.labels,
            IP: pod.ip,
            Containers: pod.containers.map((c) => ({
              Name: `cont-${c.port}-${c.protocol.toLowerCase()}`,
              Port: c.port,
              Protocol: c.protocol,
              PortName: `serve-${c.port}-${c.protocol.toLowerCase()}`,
            })),
          })),
        },
      }),
    );
    const stdout = execFileSync(
      binary,
      [
        'analyze',
        '--mode',
        'probe',
        '--policy-path',
        join(dir, 'policies'),
        '--probe-path',
        join(dir, 'probe.json'),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, maxBuffer: 64 << 20 },
    );
    return parseProbeOutput(stdout, probes.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads the Ingress/Egress/Combined tables cyclonus prints for each probe. */
export function parseProbeOutput(stdout: string, probeCount: number): CyclonusTables[] {
  const lines = stdout.split('\n');
  const tables: Map<string, string>[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^(Ingress|Egress|Combined):$/.test(lines[i]!.trim())) continue;
    const table = new Map<string, string>();
    let header: string[] | undefined;
    for (let j = i + 1; j < lines.length && lines[j]!.trim() !== ''; j++) {
      const line = lines[j]!;
      if (!line.startsWith('|')) continue;
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      if (!header) {
        header = cells.slice(1).map((c) => c.toLowerCase());
        continue;
      }
      cells.slice(1).forEach((value, k) => table.set(`${cells[0]}>${header![k]}`, value));
    }
    // After the model's probes cyclonus probes the cluster it read (none here): empty tables.
    if (table.size > 0) tables.push(table);
  }
  if (tables.length !== probeCount * 3) {
    throw new Error(
      `cyclonus printed ${tables.length} tables for ${probeCount} probes:\n${stdout.slice(0, 2000)}`,
    );
  }
  return Array.from({ length: probeCount }, (_, p) => ({
    ingress: tables[p * 3]!,
    egress: tables[p * 3 + 1]!,
    combined: tables[p * 3 + 2]!,
  }));
}

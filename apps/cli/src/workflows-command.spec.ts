// `omega workflows` and `omega playbooks` against a real orchestrator (apps/orchestrator as built,
// a child process) on a real nats-server.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { OrchestratorServiceClient, type StartPlaybookResponse } from '@omega/proto';
import { freePort, withNats } from '@omega/testkit';
import { orchestratorClient } from './orchestrator-client';
import { bufferedIo } from './cli-io';
import { runCli } from './cli-program';

const MAIN = join(__dirname, '..', '..', 'orchestrator', 'dist', 'main.js');
const nats = withNats({ jetstream: true });
let child: ChildProcess;
let address: string;

const run = (group: 'workflows' | 'playbooks', args: string[], capture = bufferedIo()) =>
  runCli([group, ...args, '--orchestrator', address], capture).then((code) => ({
    code,
    ...capture,
  }));

beforeAll(async () => {
  if (!existsSync(MAIN))
    throw new Error(`orchestrator is not built (${MAIN}): run \`npx tsc -b tsconfig.build.json\``);
  const port = await freePort();
  address = `127.0.0.1:${port}`;
  child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      OMEGA_NATS_SERVERS: nats.url,
      OMEGA_GRPC_HOST: '127.0.0.1',
      OMEGA_GRPC_PORT: String(port),
      OMEGA_HTTP_HOST: '127.0.0.1',
      OMEGA_HTTP_PORT: '0',
      OMEGA_LOG_LEVEL: 'warn',
      OMEGA_ORCHESTRATOR_AUDIT_ACTIONS: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const client = new OrchestratorServiceClient(address, grpc.credentials.createInsecure());
  await new Promise<void>((resolve, reject) =>
    client.waitForReady(Date.now() + 60_000, (err) => (err ? reject(err) : resolve())),
  );
  client.close();
  // Ready for gRPC once the playbooks are loaded: wait until they list.
  for (let i = 0; i < 100; i++) {
    const { lines } = await run('playbooks', ['list']);
    if (lines.length >= 3) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  nats.beforeStop(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  });
}, 90_000);

async function start(playbookId: string, workflowId: string): Promise<StartPlaybookResponse> {
  const client = orchestratorClient(address);
  try {
    return await client.startPlaybook({
      playbookId,
      workflowId,
      inputs: {},
      alertId: '',
      incidentId: '',
      dryRun: false,
    });
  } finally {
    client.close();
  }
}

describe('omega playbooks', () => {
  it('lists the shipped playbooks', async () => {
    const { code, lines } = await run('playbooks', ['list']);
    expect(code).toBe(0);
    expect(lines.map((l) => l.split('@')[0])).toEqual([
      'contain-scan',
      'honeytoken-used',
      'reverse-shell',
    ]);
  });

  it('validate prints file:line:column, the path and the problem, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-cli-pb-'));
    const file = join(dir, 'bad.yml');
    writeFileSync(file, 'id: bad\nsteps:\n  - id: a\n    action: blok_ip\n');
    const { code, errors } = await run('playbooks', ['validate', file]);
    expect(code).toBe(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^${file}:4:13: steps\\[0\\].action: unknown action 'blok_ip' \\(did you mean block_ip\\?\\).*\\[unknown-action\\]$`,
      ),
    );
  });

  it('put stores a playbook and a second put of the same file changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-cli-pb-'));
    const file = join(dir, 'gated.yml');
    writeFileSync(
      file,
      'id: cli-gated\nsteps:\n  - id: note\n    action: annotate\n    params: { text: cleared }\n    approval: { timeout_ms: 60000 }\n',
    );
    expect((await run('playbooks', ['put', file])).lines).toEqual([
      `${file}: stored as cli-gated@4`,
    ]);
    expect((await run('playbooks', ['put', file])).lines).toEqual([
      `${file}: unchanged as cli-gated@4`,
    ]);
  });
});

describe('omega workflows', () => {
  it('lists, watches live, approves and shows a workflow with its history', async () => {
    await start('cli-gated', 'cli-wf-1');
    let listed: string[] = [];
    for (let i = 0; i < 50 && !listed.some((l) => l.includes('waiting')); i++) {
      listed = (await run('workflows', ['list', '--status', 'waiting'])).lines;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed[0]).toMatch(/^WORKFLOW\s+PLAYBOOK\s+STATUS\s+STEPS\s+AGE$/);
    expect(listed[1]).toMatch(/^cli-wf-1\s+cli-gated@4\s+waiting\s+0\/1\s+/);

    const watching = run('workflows', ['watch', 'cli-wf-1']);
    await new Promise((r) => setTimeout(r, 300));
    const approved = await run('workflows', [
      'approve',
      'cli-wf-1',
      '--by',
      'alice',
      '--reason',
      'looks right',
    ]);
    expect(approved.lines).toEqual(['approved cli-wf-1: now running']);
    const watched = await watching;
    expect(watched.code).toBe(0);
    const events = watched.lines
      .filter((l) => /^\s+\d+ /.test(l))
      .map((l) => l.trim().split(/\s+/)[2]);
    expect(events).toEqual([
      'workflow_started',
      'step_scheduled',
      'signal_received',
      'step_started',
      'step_completed',
      'workflow_completed',
    ]);
    expect(watched.lines.some((l) => l.startsWith('status   completed after '))).toBe(true);

    const shown = await run('workflows', ['show', 'cli-wf-1', '--history']);
    expect(shown.lines[0]).toBe('workflow cli-wf-1  playbook cli-gated@4');
    expect(shown.lines.some((l) => /^\s+✓ note\s+annotate\s+completed/.test(l))).toBe(true);
    expect(shown.lines).toContain('      note=cleared');
    expect(shown.lines.some((l) => l.includes('signal_received note  approve'))).toBe(true);
  });

  it('cancels a waiting workflow, and refuses to approve a closed one', async () => {
    await start('cli-gated', 'cli-wf-2');
    for (let i = 0; i < 50; i++) {
      const { lines } = await run('workflows', ['show', 'cli-wf-2']);
      if (lines[1]?.includes('waiting')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const cancelled = await run('workflows', ['cancel', 'cli-wf-2', '--reason', 'false positive']);
    expect(cancelled.code).toBe(0);
    let status = '';
    for (let i = 0; i < 50 && !status.includes('cancelled'); i++) {
      status = (await run('workflows', ['show', 'cli-wf-2'])).lines[1] ?? '';
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toMatch(/^status {3}cancelled after /);
    const refused = await run('workflows', ['approve', 'cli-wf-2']);
    expect(refused.code).toBe(1);
    expect(refused.errors[0]).toBe(
      `omega: omega.v1.OrchestratorService/SignalWorkflow at ${address}: FAILED_PRECONDITION: workflow cli-wf-2 is closed; signal 'approve' not delivered`,
    );
  });
});

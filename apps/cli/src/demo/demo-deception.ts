// The demo's deception act: Omega mints a credential honeytoken and plants it where an intruder
// looks (a backup job's env file on the victim), deploys an SSH decoy that accepts it, and the
// intruder, Debian's ssh through sshpass, logs in to the decoy with the credential it found. The
// act shows Omega's alert ("Honeytoken … used by …"), the honeytoken TRIGGERED and the alert's
// entry in trust's audit log with its inclusion proof checked.
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import {
  AuditEntryKind,
  DeceptionServiceClient,
  DecoyKind,
  HoneytokenKind,
  HoneytokenStatus,
} from '@omega/proto';
import { createPromiseClient, errorMessage } from '@omega/runtime';
import type { AuditCommandOptions } from '../audit-command';
import { listAuditRecords, type AuditedEntry } from './demo-audit';
import { proveSoon } from './demo-checks';
import type { DeceptionOutcome, StageFailure } from './demo-report';
import { sleep, waitFor, type DemoState } from './demo-state';
import type { Timeline } from './demo-timeline';
import { VICTIM } from './demo-topology';

/** The loopback address the intruder's ssh leaves from, so the alert names a source of its own. */
export const INTRUDER_ADDRESS = '127.0.0.66';
/** Where the honeytoken is planted, as its placement (what the alert's source found) says. */
export const PLANTED_AT = `/etc/backup/backup.env on ${VICTIM.address}`;

export interface DeceptionActContext {
  readonly timeline: Timeline;
  readonly state: DemoState;
  /** deception's gRPC address and the operator's mutual TLS to it (plaintext when absent). */
  readonly deception: string;
  readonly deceptionCredentials?: grpc.ChannelCredentials;
  /** trust's gRPC and tlog, for the alert's audit entry and its inclusion proof. */
  readonly audit: AuditCommandOptions;
  /**
   * What the team channel has received, when the orchestrator runs: the act then waits for the
   * honeytoken-used playbook's message about its alert.
   */
  readonly teamMessages?: () => readonly string[];
  readonly waitMs: number;
  readonly signal: AbortSignal | undefined;
}

export async function runDeceptionAct(
  ctx: DeceptionActContext,
): Promise<{ outcome?: DeceptionOutcome; failures: StageFailure[] }> {
  const { timeline } = ctx;
  const failures: StageFailure[] = [];
  const fail = (message: string) => {
    failures.push({ stage: 'deception', message });
    timeline.say('✗', `deception: ${message}`);
  };
  const client = createPromiseClient(DeceptionServiceClient, ctx.deception, {
    ...(ctx.deceptionCredentials ? { credentials: ctx.deceptionCredentials } : {}),
    timeoutMs: 20_000,
  });
  try {
    timeline.say('▶', 'deception: a planted credential and a decoy that accepts it');
    const minted = await client.mintHoneytoken({
      kind: HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL,
      name: 'svc-backup',
      namespace: 'demo',
      placement: PLANTED_AT,
      labels: {},
      plant: false,
      ttlSeconds: 0,
      requestId: '',
    });
    const token = minted.honeytoken!;
    timeline.say(
      '·',
      `planted in ${PLANTED_AT}: BACKUP_SSH_USER=${minted.secretId} BACKUP_SSH_PASSWORD=${minted.secretValue} (honeytoken ${token.id}; no workload holds it)`,
    );
    const port = await freeLoopbackPort();
    const { decoy } = await client.deployDecoy({
      spec: {
        kind: DecoyKind.DECOY_KIND_SSH,
        name: 'backup-01',
        namespace: 'demo',
        port,
        labels: {},
        banner: '',
        honeytokenIds: [token.id],
        ttlSeconds: 0,
      },
      dryRun: false,
      requestId: '',
    });
    timeline.say('·', `SSH decoy backup-01 (${decoy!.id}) on 127.0.0.1:${port} accepts it`);

    timeline.say(
      '▶',
      `the intruder found the file and tries it, from ${INTRUDER_ADDRESS}: sshpass -p … ssh ${minted.secretId}@127.0.0.1 -p ${port} 'id; hostname'`,
    );
    const startedAtMs = Date.now();
    const intruder = await sshpass(port, minted.secretId, minted.secretValue, 'id; hostname');
    timeline.say(
      intruder.code === 0 ? '·' : '✗',
      `the intruder's ssh exited ${intruder.code}${intruder.stdout ? `: ${intruder.stdout.trim().replace(/\n/g, ' / ')}` : ''}`,
    );
    if (intruder.code !== 0) fail(`the intruder's ssh login failed: ${intruder.stderr.trim()}`);

    timeline.wait(`waiting for the alert "Honeytoken ${token.id} used by …"`);
    const seen = await waitFor(
      () =>
        ctx.state.alerts.find(
          (a) =>
            a.seenAtMs >= startedAtMs && a.value.title.startsWith(`Honeytoken ${token.id} used by`),
        ),
      ctx.waitMs,
      ctx.signal,
    );
    timeline.done();
    if (!seen) {
      fail(`no "Honeytoken ${token.id} used by" alert within ${ctx.waitMs / 1000} s`);
      return { failures };
    }
    const alert = seen.value;
    timeline.say(
      '⚠',
      `${alert.title} [${alert.attackTechniqueIds.join(', ')}], ${(seen.seenAtMs - startedAtMs) / 1000} s after the ssh began: ${alert.explanation}`,
    );

    const listed = await client.listHoneytokens({
      kind: 0,
      namespace: 'demo',
      status: 0,
      pageSize: 0,
      pageToken: '',
    });
    const after = listed.honeytokens.find((t) => t.id === token.id);
    const status = HoneytokenStatus[after?.status ?? 0] ?? 'unknown';
    timeline.say(
      after?.status === HoneytokenStatus.HONEYTOKEN_STATUS_TRIGGERED ? '✔' : '✗',
      `honeytoken ${token.id}: ${status.replace('HONEYTOKEN_STATUS_', '')}, used ${after?.triggerCount ?? 0n} time(s), placement "${after?.placement ?? ''}"`,
    );
    if (after?.status !== HoneytokenStatus.HONEYTOKEN_STATUS_TRIGGERED) {
      fail(`honeytoken ${token.id} is ${status}, expected TRIGGERED`);
    }

    const auditEntry = await alertAuditEntry(ctx, alert.id);
    if (auditEntry) {
      timeline.say(
        auditEntry.proofValid ? '✔' : '✗',
        `audit log #${auditEntry.index}: ${auditEntry.summary || auditEntry.subject}; inclusion proof ${auditEntry.proofValid ? 'verified against a signed checkpoint' : 'NOT verified'}`,
      );
      if (!auditEntry.proofValid)
        fail(`the alert's audit entry #${auditEntry.index} has no valid proof`);
    } else {
      fail(`alert ${alert.id} has no entry in trust's audit log`);
    }
    let teamMessage: string | undefined;
    if (ctx.teamMessages) {
      const messages = ctx.teamMessages;
      timeline.wait('waiting for the honeytoken-used playbook to tell the team');
      teamMessage = await waitFor(
        () => messages().find((m) => m.includes(`Honeytoken ${token.id} used by`)),
        ctx.waitMs,
        ctx.signal,
      );
      timeline.done();
      if (!teamMessage)
        fail(`no team message about honeytoken ${token.id} within ${ctx.waitMs / 1000} s`);
    }
    return {
      outcome: {
        honeytokenId: token.id,
        placement: PLANTED_AT,
        decoyId: decoy!.id,
        intruderExit: intruder.code,
        intruderOutput: intruder.stdout,
        alert,
        alertSeenAtMs: seen.seenAtMs,
        startedAtMs,
        honeytokenStatus: after?.status ?? HoneytokenStatus.HONEYTOKEN_STATUS_UNSPECIFIED,
        triggerCount: Number(after?.triggerCount ?? 0n),
        ...(auditEntry ? { auditEntry } : {}),
        ...(teamMessage ? { teamMessage } : {}),
      },
      failures,
    };
  } catch (err) {
    timeline.done();
    fail(`${errorMessage(err)} (is the deception service running?)`);
    return { failures };
  } finally {
    client.close();
  }
}

/** The alert's ALERT entry in trust's audit log, its inclusion proof checked. */
async function alertAuditEntry(
  ctx: DeceptionActContext,
  alertId: string,
): Promise<AuditedEntry | undefined> {
  const find = async () =>
    (await listAuditRecords(ctx.audit.trust!, ctx.audit.credentials)).find(
      (r) => r.entry?.kind === AuditEntryKind.AUDIT_ENTRY_KIND_ALERT && r.entry.subject === alertId,
    );
  ctx.timeline.wait(`waiting for alert ${alertId} in trust's audit log`);
  const deadline = Date.now() + ctx.waitMs;
  let record = await find();
  while (!record && Date.now() < deadline) {
    await sleep(500, ctx.signal);
    record = await find();
  }
  ctx.timeline.done();
  return record ? proveSoon(ctx.audit, record, ctx.signal) : undefined;
}

/** Debian's ssh with the found password typed by sshpass, from INTRUDER_ADDRESS. */
function sshpass(
  port: number,
  user: string,
  password: string,
  command: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'sshpass',
      [
        '-p',
        password,
        'ssh',
        '-F',
        '/dev/null',
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'LogLevel=ERROR',
        '-o',
        'PreferredAuthentications=password',
        '-o',
        'PubkeyAuthentication=no',
        '-o',
        'NumberOfPasswordPrompts=1',
        '-b',
        INTRUDER_ADDRESS,
        '-p',
        String(port),
        `${user}@127.0.0.1`,
        command,
      ],
      { timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({
          code: err ? Number((err as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr: err && !stderr ? errorMessage(err) : stderr,
        }),
    );
  });
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

// Deception end to end on `omega up` (trust, intelligence, deception and the gateway as built
// processes): through the gateway an operator mints a credential honeytoken and deploys an SSH
// decoy that accepts it; an intruder using the planted credential with Debian's ssh (sshpass)
// gets a shell, and Omega raises an alert naming the honeytoken, the source and the commands,
// while a wrong password is a login attempt on the decoy; removing the decoy closes its port.
import { execFile } from 'node:child_process';
import type * as grpc from '@grpc/grpc-js';
import {
  DeceptionServiceClient,
  DecoyKind,
  DecoyStatus,
  HoneytokenKind,
  IntelligenceServiceClient,
  ListAlertsRequest,
  type Alert,
} from '@omega/proto';
import { createPromiseClient } from '@omega/runtime';
import { eventually, freePort } from '@omega/testkit';
import { cliChannelCredentials } from './operator-identity';
import { startSpecStack, type SpecStack } from './testing/spec-stack';

let running: SpecStack;
let operator: grpc.ChannelCredentials;

beforeAll(async () => {
  running = await startSpecStack(['trust', 'intelligence', 'deception', 'gateway'], {
    prefix: 'omega-deception-',
  });
  const credentials = await cliChannelCredentials(running.dataDir, 'gateway');
  if (credentials === undefined) throw new Error(`no operator credential in ${running.dataDir}`);
  operator = credentials;
}, 240_000);

afterAll(async () => {
  await running?.stop();
});

function gatewayOptions() {
  return {
    address: `localhost:${running.stack.portsOf('gateway').grpcPort}`,
    options: { credentials: operator, timeoutMs: 20_000 },
  };
}

/** Debian's ssh, password authentication only, sshpass typing the password. */
function ssh(port: number, user: string, password: string, command: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
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
        '-p',
        String(port),
        `${user}@127.0.0.1`,
        command,
      ],
      { timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('deception through the gateway of omega up', () => {
  it('alerts when the planted credential is used against the SSH decoy, naming the honeytoken and what was run', async () => {
    const { address, options } = gatewayOptions();
    const deception = createPromiseClient(DeceptionServiceClient, address, options);
    const intelligence = createPromiseClient(IntelligenceServiceClient, address, options);
    try {
      const minted = await deception.mintHoneytoken({
        kind: HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL,
        name: 'svc-backup',
        namespace: 'ci',
        placement: 'env of deploy/legacy-api',
        labels: {},
        plant: false,
        ttlSeconds: 0,
        requestId: '',
      });
      const token = minted.honeytoken!;
      const port = await freePort();
      const { decoy } = await deception.deployDecoy({
        spec: {
          kind: DecoyKind.DECOY_KIND_SSH,
          name: 'build-runner',
          namespace: 'ci',
          port,
          labels: {},
          banner: '',
          honeytokenIds: [token.id],
          ttlSeconds: 0,
        },
        dryRun: false,
        requestId: '',
      });
      expect(decoy).toMatchObject({ status: DecoyStatus.DECOY_STATUS_RUNNING });

      const refused = await ssh(port, minted.secretId, 'not-the-password', 'id');
      expect(refused.code).not.toBe(0);
      const shell = await ssh(port, minted.secretId, minted.secretValue, 'whoami; uname -a');
      expect(shell.code).toBe(0);
      expect(shell.stdout).toContain(minted.secretId);

      const alert = await eventually(
        'an alert for the honeytoken',
        async () =>
          (
            await intelligence.listAlerts(ListAlertsRequest.fromPartial({ pageSize: 100 }))
          ).alerts.find((a: Alert) => a.title.startsWith(`Honeytoken ${token.id} used by`)),
        60_000,
        250,
      );
      expect(alert.explanation).toContain('127.0.0.1');
      expect(alert.attackTechniqueIds).toEqual(expect.arrayContaining(['T1552', 'T1078']));
      const listed = await deception.listHoneytokens({
        kind: 0,
        namespace: '',
        status: 0,
        pageSize: 0,
        pageToken: '',
      });
      expect(listed.honeytokens.find((t) => t.id === token.id)?.triggerCount).toBeGreaterThan(0n);

      const removed = await deception.removeDecoy({
        decoyId: decoy!.id,
        reason: 'spec done',
        requestId: '',
      });
      expect(removed.decoy?.status).toBe(DecoyStatus.DECOY_STATUS_REMOVED);
      const closed = await ssh(port, minted.secretId, minted.secretValue, 'id');
      expect(closed.stderr).toMatch(/Connection refused/);
    } finally {
      deception.close();
      intelligence.close();
    }
  }, 120_000);
});

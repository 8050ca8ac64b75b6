// The deception commands against built services (trust, intelligence, deception and the gateway of
// a local stack, secure by default): an operator mints a honeytoken and deploys decoys with
// `omega`, Debian's ssh (sshpass) uses the planted credential, `omega interactions watch -o
// opencanary` prints OpenCanary lines as it happens, and the alert names the honeytoken, its
// placement and the ATT&CK ids, while a bare TCP connect to another decoy raises no alert.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { eventually, freePort } from '@omega/testkit';
import { bufferedIo, type CliIo } from './cli-io';
import { runCli } from './cli-program';
import { startSpecStack, type SpecStack } from './testing/spec-stack';

jest.setTimeout(180_000);

let running: SpecStack;

beforeAll(async () => {
  running = await startSpecStack(['trust', 'intelligence', 'deception', 'gateway'], {
    prefix: 'omega-deception-cli-',
  });
}, 240_000);

afterAll(async () => {
  await running?.stop();
});

async function omega(args: string[], overrides: Partial<CliIo> = {}) {
  const io = bufferedIo({
    env: { ...process.env, OMEGA_CONFIG: join(running.dataDir, 'no-such-config'), OMEGA_TOKEN: '' },
    ...overrides,
  });
  const address = `127.0.0.1:${running.stack.portsOf('gateway').grpcPort}`;
  const code = await runCli([...args, '--address', address, '--data-dir', running.dataDir], io);
  return { code, lines: io.lines, errors: io.errors };
}

async function omegaJson<T>(args: string[]): Promise<T> {
  const run = await omega([...args, '-o', 'json']);
  expect(run).toMatchObject({ code: 0, errors: [] });
  return JSON.parse(run.lines.join('\n')) as T;
}

function ssh(port: number, user: string, password: string, command: string) {
  return new Promise<number>((resolve) => {
    execFile(
      'sshpass',
      // prettier-ignore
      ['-p', password, 'ssh', '-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'PreferredAuthentications=password', '-o', 'PubkeyAuthentication=no', '-o', 'NumberOfPasswordPrompts=1', '-p', String(port), `${user}@127.0.0.1`, command],
      { timeout: 30_000 },
      (err) => resolve(err ? Number((err as { code?: number }).code ?? 1) : 0),
    );
  });
}

/** A TCP connect that says nothing and leaves. */
function bareConnect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end());
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

interface Alert {
  title: string;
  explanation: string;
  attackTechniqueIds: string[];
  ruleName: string;
  labels: Record<string, string>;
}

describe('omega decoys, honeytokens and interactions', () => {
  it('deploys, lists and removes decoys and honeytokens; a planted credential used over ssh alerts and shows in OpenCanary lines', async () => {
    const minted = await omegaJson<{
      honeytoken: { id: string };
      secretId: string;
      secretValue: string;
    }>([
      'honeytokens',
      'mint',
      '--kind',
      'credential',
      '--name',
      'svc-backup',
      '--placement',
      'env of deploy/legacy-api',
    ]);
    const token = minted.honeytoken.id;
    const [sshPort, httpPort] = [await freePort(), await freePort()];
    const sshDecoy = (
      await omegaJson<{ decoy: { id: string; status: string } }>([
        'decoys',
        'deploy',
        '--kind',
        'ssh',
        '--name',
        'build-runner',
        '--namespace',
        'ci',
        '--port',
        String(sshPort),
        '--honeytoken',
        token,
      ])
    ).decoy;
    expect(sshDecoy.status).toBe('DECOY_STATUS_RUNNING');
    const httpDecoy = (
      await omegaJson<{ decoy: { id: string } }>([
        'decoys',
        'deploy',
        '--kind',
        'http',
        '--name',
        'grafana',
        '--port',
        String(httpPort),
      ])
    ).decoy;
    const table = await omega(['decoys', 'list']);
    expect(table.lines[0]).toMatch(
      /^ID\s+KIND\s+NAME\s+NAMESPACE\s+STATUS\s+ADDRESS\s+INTERACTIONS$/,
    );
    expect(
      table.lines.some(
        (l) => l.startsWith(sshDecoy.id) && /\bssh\s+build-runner\s+ci\s+running\b/.test(l),
      ),
    ).toBe(true);

    const interrupt = new AbortController();
    const watched: string[] = [];
    const watching = omega(
      ['interactions', 'watch', '--decoy', sshDecoy.id, '-o', 'opencanary', '--interval', '1'],
      {
        out: (line) => void watched.push(line),
        interrupted: () => interrupt.signal,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // its first poll: the baseline

    await bareConnect(httpPort);
    expect(await ssh(sshPort, minted.secretId, minted.secretValue, 'whoami')).toBe(0);

    const alert = await eventually(
      'the honeytoken alert',
      async () =>
        (await omegaJson<{ alerts?: Alert[] }>(['alerts', 'list', '--limit', '100'])).alerts?.find(
          (a) => a.title.startsWith(`Honeytoken ${token} used by`),
        ),
      60_000,
      500,
    );
    expect(alert.attackTechniqueIds).toEqual(['T1078', 'T1552']);
    expect(alert.explanation).toContain(
      `logged in with honeytoken ${token} "svc-backup", planted in env of deploy/legacy-api, on ssh decoy ${sshDecoy.id} (build-runner)`,
    );
    // The bare connect to the HTTP decoy was processed before the ssh login and raised nothing.
    const alerts =
      (await omegaJson<{ alerts?: Alert[] }>(['alerts', 'list', '--limit', '100'])).alerts ?? [];
    expect(alerts.filter((a) => a.explanation.includes(httpDecoy.id))).toEqual([]);
    const connects = await omegaJson<{ events?: Array<{ severity: string }> }>([
      'interactions',
      'list',
      '--decoy',
      httpDecoy.id,
    ]);
    expect(connects.events?.map((e) => e.severity)).toEqual(['SEVERITY_LOW', 'SEVERITY_LOW']);

    const login = await eventually('the ssh login in the watch', () =>
      watched
        .map((l) => JSON.parse(l) as { logtype: number; logdata: Record<string, string> })
        .find((r) => r.logtype === 4002),
    );
    expect(login.logdata).toMatchObject({ USERNAME: minted.secretId, HONEYTOKEN: token });
    interrupt.abort();
    expect(await watching).toMatchObject({ code: 0, errors: [] });

    const listed = await omega([
      'interactions',
      'list',
      '--decoy',
      sshDecoy.id,
      '-o',
      'opencanary',
    ]);
    const records = listed.lines.map(
      (l) => JSON.parse(l) as { logtype: number; src_host: string; dst_port: number },
    );
    expect(records[0]).toMatchObject({ logtype: 4000, src_host: '127.0.0.1', dst_port: sshPort });
    expect(records.map((r) => r.logtype)).toContain(4002);

    // The login and the command went to trust's audit log (the bare connects did not).
    await eventually('interactions audited', async () => {
      const metrics = await (
        await fetch(`http://127.0.0.1:${running.stack.portsOf('deception').httpPort}/metrics`)
      ).text();
      const audited =
        /omega_deception_interactions_audited_total\{[^}]*how="entry"[^}]*\} (\d+)/.exec(metrics);
      return audited && Number(audited[1]) >= 2 ? true : undefined;
    });

    // Three wrong passwords from one source: brute force (T1110) besides the login attempts (T1021).
    for (const attempt of [1, 2, 3]) {
      expect(await ssh(sshPort, 'admin', `guess-${attempt}`, 'id')).not.toBe(0);
    }
    const bruteForce = await eventually(
      'the brute-force alert',
      async () =>
        (await omegaJson<{ alerts?: Alert[] }>(['alerts', 'list', '--limit', '100'])).alerts?.find(
          (a) => a.labels['detector.kind'] === 'decoy-brute-force',
        ),
      60_000,
      500,
    );
    expect(bruteForce.attackTechniqueIds).toEqual(['T1110']);
    expect(bruteForce.explanation).toContain(
      `brute-forced ssh decoy ${sshDecoy.id} (build-runner) (3 failed logins, the last as user "admin")`,
    );

    const tokens = await omega(['honeytokens', 'list']);
    expect(tokens.lines.some((l) => l.startsWith(token) && /\btriggered\b/.test(l))).toBe(true);
    expect(await omega(['honeytokens', 'revoke', token, '--reason', 'spec done'])).toMatchObject({
      code: 0,
      lines: [`revoked ${token}`],
    });
    expect(await omega(['decoys', 'rm', sshDecoy.id])).toMatchObject({
      code: 0,
      lines: [`removed ${sshDecoy.id}`],
    });
    expect(await omega(['decoys', 'rm', httpDecoy.id])).toMatchObject({ code: 0 });
    const bad = await omega(['interactions', 'list', '--source', 'not-an-ip']);
    expect(bad.code).toBe(1);
    expect(bad.errors[0]).toMatch(/INVALID_ARGUMENT.*source_ip: "not-an-ip" is not an IP address/);
  });
});

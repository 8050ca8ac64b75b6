// The CLI through the gateway of a real local stack (trust, intelligence, sentinel and gateway as
// built processes, secure by default): `omega whoami`, `omega auth can-i`, `omega rules list` and
// `omega alerts watch` while `omega replay` feeds the demo's capture through the sentinel, as the
// operator whose certificate `omega up` wrote to <data-dir>/operator; and `omega tokens` and
// `omega login`, then commands as the token's holder.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceName } from '@omega/service';
import { eventually } from '@omega/testkit';
import { bufferedIo, type CliIo } from './cli-io';
import { runCli } from './cli-program';
import type { LocalStack } from './local-stack';
import { startSpecStack, type SpecStack } from './testing/spec-stack';

const root = join(__dirname, '..', '..', '..');
const SERVICES: ServiceName[] = ['trust', 'intelligence', 'sentinel', 'gateway'];
const CAPTURE = join(root, 'test-corpus', 'demo', 'capture.pcap');

let running: SpecStack;
let stack: LocalStack;
let dataDir: string;

beforeAll(async () => {
  running = await startSpecStack(SERVICES, {
    prefix: 'omega-cli-gateway-',
  });
  ({ stack, dataDir } = running);
}, 240_000);

afterAll(async () => {
  await running?.stop();
});

function gatewayAddress(): string {
  return `127.0.0.1:${stack.portsOf('gateway').grpcPort}`;
}

/** `omega <args>` against the stack's gateway as its operator, with no contexts file. */
async function omega(args: string[], overrides: Partial<CliIo> = {}) {
  const io = bufferedIo({
    env: { ...process.env, OMEGA_CONFIG: join(dataDir, 'no-such-config'), OMEGA_TOKEN: '' },
    ...overrides,
  });
  const code = await runCli([...args, '--address', gatewayAddress(), '--data-dir', dataDir], io);
  return { code, lines: io.lines, errors: io.errors };
}

describe('omega through the gateway of a local stack', () => {
  it('whoami names the operator, authenticated by its certificate', async () => {
    const table = await omega(['whoami']);
    expect(table).toMatchObject({ code: 0, errors: [] });
    expect(table.lines[0]).toMatch(/^PRINCIPAL\s+KIND\s+AUTH\s+ROLES\s+EXPIRES$/);
    expect(table.lines[1]).toMatch(/^omega:\/\/[^/\s]+\/operator\/cli\s+user\s+mtls\s/);

    const json = await omega(['whoami', '-o', 'json']);
    expect(JSON.parse(json.lines.join('\n'))).toMatchObject({
      principal: {
        id: expect.stringMatching(/^omega:\/\/[^/]+\/operator\/cli$/),
        kind: 'PRINCIPAL_KIND_USER',
        authMethod: 'AUTH_METHOD_MTLS',
      },
    });
  });

  it('auth can-i answers yes or no like kubectl, and exits 1 when a method is denied', async () => {
    expect(await omega(['auth', 'can-i', 'IntelligenceService/ListRules'])).toMatchObject({
      code: 0,
      lines: ['yes'],
    });
    expect(await omega(['auth', 'can-i', '/omega.v1.TrustService/AppendAudit'])).toMatchObject({
      code: 1,
      lines: ['no'],
    });
    const both = await omega([
      'auth',
      'can-i',
      'IntelligenceService/ListRules',
      'TrustService/AppendAudit',
      '-o',
      'json',
    ]);
    expect(both.code).toBe(1);
    const decisions = (
      JSON.parse(both.lines.join('\n')) as { decisions: { method: string; allowed: boolean }[] }
    ).decisions;
    expect(decisions.map((d) => [d.method, d.allowed ?? false])).toEqual([
      ['/omega.v1.IntelligenceService/ListRules', true],
      ['/omega.v1.TrustService/AppendAudit', false],
    ]);

    const list = await omega(['auth', 'can-i', '--list']);
    expect(list.code).toBe(1);
    expect(list.lines[0]).toMatch(/^METHOD\s+ALLOWED\s+REASON$/);
    expect(list.lines.some((l) => /^\/omega\.v1\.GatewayService\/WhoAmI\s+yes\s/.test(l))).toBe(
      true,
    );
    expect(list.lines.some((l) => /^\/omega\.v1\.TrustService\/AppendAudit\s+no\s/.test(l))).toBe(
      true,
    );
  });

  it('rules list prints the detectors as a table, and the response message as JSON and YAML', async () => {
    const table = await omega(['rules', 'list']);
    expect(table.code).toBe(0);
    expect(table.lines[0]).toMatch(/^ID\s+KIND\s+SEVERITY\s+ENABLED\s+MATCHES\s+NAME$/);
    expect(table.lines.some((l) => /^detector:port-scan\s+streaming\s+\w+\s+yes\s/.test(l))).toBe(
      true,
    );

    const wide = await omega(['rules', 'list', '-o', 'wide']);
    expect(wide.lines[0]).toMatch(
      /^ID\s+KIND\s+SEVERITY\s+ENABLED\s+MATCHES\s+TECHNIQUES\s+SOURCE\s+NAME$/,
    );

    const json = JSON.parse((await omega(['rules', 'list', '-o', 'json'])).lines.join('\n')) as {
      rules: { id: string; kind: string }[];
    };
    expect(json.rules.find((r) => r.id === 'detector:port-scan')).toMatchObject({
      kind: 'DETECTOR_KIND_STREAMING',
    });
    const yaml = await omega(['rules', 'list', '-o', 'yaml']);
    expect(yaml.lines.join('\n')).toMatch(/^rules:\n {2}- id: /);
  });

  it('rules validate and test compile a rule file and run it over sample events, without loading it', async () => {
    const rule = join(root, 'apps', 'intelligence', 'rules', 'execution', 'reverse-shell.yml');
    const valid = await omega(['rules', 'validate', rule]);
    expect(valid).toMatchObject({ code: 0, errors: [] });
    expect(valid.lines[0]).toBe(`${rule}: valid`);

    const broken = join(dataDir, 'broken.yml');
    writeFileSync(
      broken,
      'title: broken\nid: 5d1c0f4e-0000-4000-8000-000000000001\nlogsource: { category: process_creation }\ndetection:\n  sel: { Image|endswith: /nc }\n  condition: sel and missing\n',
    );
    const invalid = await omega(['rules', 'validate', broken]);
    expect(invalid.code).toBe(1);
    expect(invalid.errors[0]).toMatch(new RegExp(`^${broken}(:\\d+:\\d+)?: error: `));

    const events = join(root, 'test-corpus', 'demo', 'process-events.ndjson');
    const tested = await omega(['rules', 'test', rule, '--events', events]);
    expect(tested.code).toBe(0);
    expect(tested.lines[0]).toMatch(/^RULE\s+EVENT\s+EXPLANATION$/);
    expect(
      tested.lines.some((l) => l.startsWith('sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02 ')),
    ).toBe(true);
  });

  it('rules load takes a Lua script: loaded, audited and listed as a Lua rule', async () => {
    const script = join(root, 'apps', 'intelligence', 'lua-rules', 'ssh-fan-out.lua');
    const loaded = await omega(['rules', 'load', script]);
    expect(loaded).toMatchObject({ code: 0, errors: [] });
    expect(loaded.lines[0]).toBe('loaded lua:ssh-fan-out');
    expect(loaded.lines[1]).toMatch(/^audit log index \d+$/);
    const { rules } = JSON.parse(
      (await omega(['rules', 'list', '-o', 'json'])).lines.join('\n'),
    ) as {
      rules: { id: string; format?: string; enabled?: boolean }[];
    };
    expect(rules.find((r) => r.id === 'lua:ssh-fan-out')).toMatchObject({
      format: 'RULE_FORMAT_LUA',
      enabled: true,
    });
  });

  it('rules disable and enable switch a detector, as rules list shows', async () => {
    const enabledOf = async (id: string) => {
      const { rules } = JSON.parse(
        (await omega(['rules', 'list', '-o', 'json'])).lines.join('\n'),
      ) as {
        rules: { id: string; enabled?: boolean }[];
      };
      return rules.find((r) => r.id === id)?.enabled ?? false;
    };
    const disabled = await omega(['rules', 'disable', 'detector:new-edge']);
    expect(disabled.errors).toEqual([]);
    expect(disabled).toMatchObject({
      code: 0,
      lines: ['disabled detector:new-edge'],
    });
    expect(await enabledOf('detector:new-edge')).toBe(false);
    expect((await omega(['rules', 'enable', 'detector:new-edge'])).code).toBe(0);
    expect(await enabledOf('detector:new-edge')).toBe(true);
  });

  it('tokens create makes a token; login checks it and keeps it in a context; revoke ends it', async () => {
    const created = await omega([
      'tokens',
      'create',
      '--roles',
      'viewer',
      '--ttl',
      '1h',
      '--description',
      'cli spec',
      '-o',
      'json',
    ]);
    expect(created).toMatchObject({ code: 0, errors: [] });
    const { token, secret } = JSON.parse(created.lines.join('\n')) as {
      token: { id: string; subject: string; roles: string[] };
      secret: string;
    };
    expect(token).toMatchObject({ roles: ['viewer'], description: 'cli spec' });

    // Someone else's shell: no operator files, only the contexts file login writes.
    const config = join(dataDir, 'token-user', 'config');
    const asTokenUser = async (args: string[], overrides: Partial<CliIo> = {}) => {
      const io = bufferedIo({
        env: { ...process.env, OMEGA_CONFIG: config, OMEGA_TOKEN: '', OMEGA_ADDRESS: '' },
        ...overrides,
      });
      const code = await runCli(args, io);
      return { code, lines: io.lines, errors: io.errors };
    };
    const login = await asTokenUser(
      [
        'login',
        '--address',
        gatewayAddress(),
        '--ca-file',
        join(dataDir, 'operator', 'ca.pem'),
        '--token-stdin',
        '--context',
        'spec',
      ],
      { readStdin: async () => `${secret}\n` },
    );
    expect(login).toMatchObject({ code: 0, errors: [] });
    expect(login.lines).toEqual([
      `logged in to ${gatewayAddress()} as ${token.subject} (roles: viewer)`,
      `context 'spec' in ${config} is now current`,
    ]);
    expect(statSync(config).mode & 0o777).toBe(0o600);

    const whoami = JSON.parse(
      (await asTokenUser(['whoami', '-o', 'json'])).lines.join('\n'),
    ) as unknown;
    expect(whoami).toMatchObject({
      principal: {
        id: token.subject,
        roles: ['viewer'],
        authMethod: 'AUTH_METHOD_TOKEN',
        tokenId: token.id,
      },
    });
    expect(await asTokenUser(['auth', 'can-i', 'IntelligenceService/ListRules'])).toMatchObject({
      code: 0,
      lines: ['yes'],
    });
    expect(await asTokenUser(['auth', 'can-i', 'IntelligenceService/LoadRules'])).toMatchObject({
      code: 1,
      lines: ['no'],
    });
    expect((await asTokenUser(['rules', 'list'])).code).toBe(0);

    const listed = await omega(['tokens', 'list', '-o', 'wide']);
    expect(listed.lines[0]).toMatch(
      /^ID\s+SUBJECT\s+ROLES\s+EXPIRES\s+REVOKED\s+CREATED BY\s+LAST USED\s+DESCRIPTION$/,
    );
    expect(listed.lines.some((l) => l.startsWith(`${token.id} `) && l.endsWith('cli spec'))).toBe(
      true,
    );
    expect(await omega(['tokens', 'revoke', token.id, '--reason', 'spec done'])).toMatchObject({
      code: 0,
      lines: [`revoked ${token.id}`],
    });
    const refused = await asTokenUser(['whoami']);
    expect(refused.code).toBe(1);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]).toMatch(/^omega: .*UNAUTHENTICATED/);
  });

  it('alerts watch prints each alert as it arrives (one JSON object per line) until Ctrl-C', async () => {
    const interrupt = new AbortController();
    const lines: string[] = [];
    const watching = omega(['alerts', 'watch', '-o', 'json', '--since', new Date().toISOString()], {
      out: (line) => void lines.push(line),
      interrupted: () => interrupt.signal,
    });

    const replay = await omega(['replay', CAPTURE, '-o', 'json']);
    expect(replay).toMatchObject({ code: 0, errors: [] });
    const replayed = JSON.parse(replay.lines.join('\n')) as {
      replayId: string;
      packetsRead: string;
    };
    expect(Number(replayed.packetsRead)).toBeGreaterThan(0);

    const alert = await eventually(
      'an alert from the replayed capture',
      () =>
        lines
          .map((l) => JSON.parse(l) as { id: string; ruleId: string })
          .find((a) => a.ruleId === 'detector:port-scan'),
      60_000,
      100,
    );
    interrupt.abort();
    const watched = await watching;
    expect(watched).toMatchObject({ code: 0, errors: [] });
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);

    const listed = await omega(['alerts', 'list']);
    expect(
      listed.lines.some((l) => l.startsWith(`${alert.id} `) && l.includes('detector:port-scan')),
    ).toBe(true);
  });
});

// The contexts file and `omega config`: a bad file fails naming the file and the field; the
// commands edit a real file (mode 0600) that the connection then follows.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContexts, parseContexts, selectContext } from './cli-contexts';
import { bufferedIo } from './cli-io';
import { runCli } from './cli-program';
import { resolveConnection } from './gateway-connection';

const FILE = '/home/alice/.omega/config';

describe('the contexts file', () => {
  it('reads contexts and the current one', () => {
    const config = parseContexts(
      [
        'current-context: prod',
        'contexts:',
        '  - name: local',
        '    address: 127.0.0.1:50051',
        '  - name: prod',
        '    address: omega.example.com:443',
        '    caFile: /etc/omega/ca.pem',
        '    token: s3cret',
        '',
      ].join('\n'),
      FILE,
    );
    expect(selectContext(config)).toEqual({
      name: 'prod',
      address: 'omega.example.com:443',
      caFile: '/etc/omega/ca.pem',
      token: 's3cret',
    });
    expect(selectContext(config, 'local')?.address).toBe('127.0.0.1:50051');
    expect(() => selectContext(config, 'staging')).toThrow("no context named 'staging'");
  });

  it.each([
    ['a context without an address', 'contexts:\n  - name: a\n', 'contexts[0].address'],
    [
      'an address without a port',
      'contexts:\n  - name: a\n    address: omega.example.com\n',
      'contexts[0].address: expected host:port',
    ],
    [
      'a misspelt field',
      'contexts:\n  - name: a\n    address: h:1\n    cafile: x\n',
      'contexts[0]: Unrecognized key: "cafile"',
    ],
    ['contexts that is not a list', 'contexts: yes\n', 'contexts: '],
    [
      'two contexts with one name',
      'contexts:\n  - { name: a, address: "h:1" }\n  - { name: a, address: "h:2" }\n',
      "contexts[1].name: duplicate context 'a'",
    ],
    [
      'a current context that does not exist',
      'current-context: b\ncontexts:\n  - { name: a, address: "h:1" }\n',
      "current-context: no context named 'b'",
    ],
  ])('refuses %s, naming the file and the field', (_what, text, message) => {
    expect(() => parseContexts(text, FILE)).toThrow(`${FILE}: ${message}`);
  });

  it('refuses text that is not YAML, naming the line', () => {
    expect(() => parseContexts('contexts: [\n', FILE)).toThrow(
      new RegExp(`^${FILE}:\\d+:\\d+: not YAML: `),
    );
  });

  it('treats a missing file as no contexts', async () => {
    expect(await loadContexts(join(tmpdir(), 'omega-no-such-dir', 'config'))).toEqual({
      contexts: [],
    });
  });
});

describe('omega config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-config-'));
  const file = join(dir, 'omega', 'config');
  const env = { ...process.env, OMEGA_CONFIG: file, OMEGA_ADDRESS: '', OMEGA_TOKEN: '' };
  const omega = async (...args: string[]) => {
    const io = bufferedIo({ env });
    const code = await runCli(args, io);
    return { code, lines: io.lines, errors: io.errors };
  };

  it('sets, lists, switches and deletes contexts in a 0600 file that connections follow', async () => {
    expect(await omega('config', 'current-context')).toMatchObject({
      code: 1,
      errors: [`omega: no current context in ${file}`],
    });
    expect(
      await omega('config', 'set-context', 'local', '--address', '127.0.0.1:50051'),
    ).toMatchObject({
      code: 0,
      lines: ["context 'local' set (current)"],
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(
      await omega(
        'config',
        'set-context',
        'prod',
        '--address',
        'omega.example.com:443',
        '--ca-file',
        join(dir, 'ca.pem'),
      ),
    ).toMatchObject({ code: 0 });
    expect((await omega('config', 'current-context')).lines).toEqual(['local']);
    expect(await omega('config', 'use-context', 'prod')).toMatchObject({
      code: 0,
      lines: ["switched to context 'prod'"],
    });
    expect((await omega('config', 'get-contexts')).lines).toEqual([
      'CURRENT  NAME   ADDRESS                AUTH',
      '         local  127.0.0.1:50051        none',
      '*        prod   omega.example.com:443  none',
    ]);

    // The connection follows the current context (its CA file must exist to be read).
    writeFileSync(join(dir, 'ca.pem'), 'not a certificate');
    expect((await resolveConnection({}, env)).address).toBe('omega.example.com:443');
    expect((await resolveConnection({ context: 'local' }, env)).address).toBe('127.0.0.1:50051');
    expect((await resolveConnection({}, { ...env, OMEGA_ADDRESS: '10.0.0.1:50051' })).address).toBe(
      '10.0.0.1:50051',
    );
    expect((await resolveConnection({ address: '10.0.0.2:1' }, env)).address).toBe('10.0.0.2:1');

    expect(await omega('config', 'use-context', 'staging')).toMatchObject({
      code: 1,
      errors: ["omega: no context named 'staging' (omega config get-contexts lists them)"],
    });
    expect(await omega('config', 'set-context', 'bad', '--address', 'nohostport')).toMatchObject({
      code: 1,
      errors: ["omega: context 'bad': address: expected host:port"],
    });
    expect(await omega('config', 'delete-context', 'prod')).toMatchObject({ code: 0 });
    expect(readFileSync(file, 'utf8')).toBe(
      'contexts:\n  - name: local\n    address: 127.0.0.1:50051\n',
    );
    expect((await omega('config', 'get-contexts', '-o', 'json')).lines.join('\n')).toBe(
      JSON.stringify(
        {
          'current-context': '',
          contexts: [{ name: 'local', address: '127.0.0.1:50051', token: '' }],
        },
        null,
        2,
      ),
    );
  });

  it('fails every command on a broken file, naming it and the field', async () => {
    const broken = join(dir, 'broken');
    writeFileSync(broken, 'contexts:\n  - name: x\n    address: 1\n');
    const io = bufferedIo({ env: { ...env, OMEGA_CONFIG: broken } });
    expect(await runCli(['whoami'], io)).toBe(1);
    expect(io.errors).toEqual([
      `omega: ${broken}: contexts[0].address: Invalid input: expected string, received number`,
    ]);
  });
});

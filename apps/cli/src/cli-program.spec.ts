// The command tree's contract with scripts: --version is the package's, --help (on every command)
// exits 0 and documents the exit codes, usage errors exit 2 with one `omega: ...` line on stderr.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bufferedIo } from './cli-io';
import { runCli } from './cli-program';

async function omega(...args: string[]) {
  const io = bufferedIo();
  const code = await runCli(args, io);
  return { code, out: io.lines.join('\n'), errors: io.errors };
}

describe('omega', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(await omega('--version')).toEqual({ code: 0, out: version, errors: [] });
  });

  it('documents the exit codes in --help', async () => {
    const help = await omega('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: omega \[options\] \[command\]/);
    expect(help.out).toContain('Exit codes:\n  0  ok');
    expect(help.out).toMatch(/\n {2}2 {2}usage error/);
    expect(help.out).toMatch(/\n {2}3 {2}audit verify: the audit log forked/);
  });

  it.each([
    ['alerts', 'watch'],
    ['rules', 'test'],
    ['auth', 'can-i'],
    ['tokens', 'create'],
    ['decoys', 'deploy'],
    ['decoys', 'rm'],
    ['honeytokens', 'mint'],
    ['honeytokens', 'revoke'],
    ['interactions', 'list'],
    ['interactions', 'watch'],
    ['config', 'set-context'],
    ['up'],
    ['audit', 'verify'],
    ['workflows', 'approve'],
    ['replay'],
    ['login'],
  ])('answers --help for %s %s', async (...command: string[]) => {
    const help = await omega(...command.filter(Boolean), '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(new RegExp(`^Usage: omega ${command.filter(Boolean).join(' ')} `));
  });

  it('exits 2 with one line naming the problem for an unknown command, flag or bad value', async () => {
    expect(await omega('alerst')).toEqual({
      code: 2,
      out: '',
      errors: ["omega: unknown command 'alerst' (Did you mean alerts?)"],
    });
    expect(await omega('rules', 'list', '--bogus')).toMatchObject({
      code: 2,
      errors: ["omega: unknown option '--bogus'"],
    });
    expect(await omega('rules', 'list', '-o', 'xml')).toMatchObject({
      code: 2,
      errors: [
        "omega: option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are table, wide, json, yaml.",
      ],
    });
    expect(await omega('tokens', 'create', '--ttl', 'soon')).toMatchObject({
      code: 2,
      errors: [
        "omega: option '--ttl <duration>' argument 'soon' is invalid. expected a duration like 90s, 15m, 1h or 7d, got 'soon'",
      ],
    });
    expect(await omega('rules', 'test', 'r.yml')).toMatchObject({
      code: 2,
      errors: ["omega: required option '--events <file>' not specified"],
    });
  });

  it('prints the help on stderr and exits 2 without a command', async () => {
    const io = bufferedIo();
    expect(await runCli([], io)).toBe(2);
    expect(io.errors.join('\n')).toMatch(/^Usage: omega/);
  });

  it('refuses auth can-i without a method or --list as a usage error, before calling anything', async () => {
    expect(await omega('auth', 'can-i', '--address', '127.0.0.1:1')).toMatchObject({
      code: 2,
      errors: ['omega: auth can-i: name a method, or pass --list'],
    });
  });
});

// `omega completion bash|zsh` loaded into a real bash from the built `omega`: it registers, and its
// function offers the command tree's subcommands, flags and fixed values at each position.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bufferedIo } from './cli-io';
import { runCli } from './cli-program';

const MAIN = join(__dirname, '..', 'dist', 'main.js');

/** Runs `script` in bash with `omega` being the built CLI and its completion sourced. */
function bash(script: string): string {
  const prelude = `omega() { "${process.execPath}" "${MAIN}" "$@"; }\nsource <(omega completion bash)\n`;
  return execFileSync('bash', ['-c', prelude + script], { encoding: 'utf8' }).trimEnd();
}

/** What completing the last word of `words` offers. */
function complete(...words: string[]): string[] {
  const array = words.map((w) => `'${w}'`).join(' ');
  const out = bash(
    `COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _omega; printf '%s\\n' "\${COMPREPLY[@]}"`,
  );
  return out === '' ? [] : out.split('\n');
}

beforeAll(() => {
  if (!existsSync(MAIN))
    throw new Error(`the CLI is not built (${MAIN}): run \`npx tsc -b tsconfig.build.json\``);
});

describe('omega completion bash', () => {
  it('registers a completion function for omega in bash', () => {
    expect(bash('complete -p omega')).toBe('complete -o default -F _omega omega');
  });

  it('offers the top-level commands, then each group’s subcommands', () => {
    expect(complete('omega', '')).toEqual(
      expect.arrayContaining([
        'up',
        'alerts',
        'rules',
        'auth',
        'config',
        'completion',
        '--version',
      ]),
    );
    expect(complete('omega', 'al')).toEqual(['alerts']);
    expect(complete('omega', 'rules', '')).toEqual([
      'list',
      'validate',
      'test',
      'load',
      'enable',
      'disable',
      '--help',
    ]);
    expect(complete('omega', 'config', 'use')).toEqual(['use-context']);
  });

  it('offers a command’s flags, and the fixed values of -o and of the shell argument', () => {
    expect(complete('omega', 'alerts', 'watch', '--')).toEqual(
      expect.arrayContaining([
        '--address',
        '--context',
        '--data-dir',
        '--output',
        '--intelligence',
        '--since',
        '--help',
      ]),
    );
    expect(complete('omega', 'alerts', 'list', '-o', '')).toEqual([
      'table',
      'wide',
      'json',
      'yaml',
    ]);
    expect(complete('omega', 'whoami', '--address', 'h:1', '--output', 'y')).toEqual(['yaml']);
    expect(complete('omega', 'completion', '')).toEqual(['bash', 'zsh', '--help']);
  });

  it('offers nothing of its own for a flag’s free value (bash then completes file names)', () => {
    expect(complete('omega', 'rules', 'test', 'r.yml', '--events', '')).toEqual([]);
  });
});

describe('omega completion zsh', () => {
  it('is the bash function loaded through bashcompinit', async () => {
    const io = bufferedIo();
    expect(await runCli(['completion', 'zsh'], io)).toBe(0);
    const script = io.lines.join('\n');
    expect(script.split('\n')[0]).toBe('#compdef omega');
    expect(script).toContain('autoload -U +X bashcompinit && bashcompinit');
    expect(script).toContain('complete -o default -F _omega omega');
  });

  it('refuses another shell with a usage error', async () => {
    const io = bufferedIo();
    expect(await runCli(['completion', 'fish'], io)).toBe(2);
    expect(io.errors).toEqual([
      "omega: command-argument value 'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh.",
    ]);
  });
});

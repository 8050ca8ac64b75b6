// The `omega` command tree (commander): every command, its flags and help, and how a run ends:
// exit 0 ok, 1 failure or denied, 2 usage error, 3 audit log forked. Errors print as one line,
// `omega: <message>`, on stderr.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Argument, Command, CommanderError } from 'commander';
import { registerAlertCommands } from './alerts-command';
import type { CliIo } from './cli-io';
import { UsageError, type CommandScope } from './command-kit';
import { bashCompletion, zshCompletion } from './completion';
import { registerConfigCommands } from './config-command';
import { runTraced } from './cli-tracing';
import { registerDecoyCommands, registerHoneytokenCommands } from './deception-commands';
import { registerGatewayCommands } from './gateway-commands';
import { registerInteractionCommands } from './interactions-command';
import { registerLocalCommands } from './local-commands';
import { registerModuleCommands } from './modules-command';
import { registerPacketCommands } from './packet-command';
import { registerReplayCommand } from './replay-command';
import { registerTwinCommands } from './twin-commands';
import { registerRuleCommands } from './rules-command';
import { cliErrorMessage } from './unreachable-hint';
import { registerWorkflowCommands } from './workflows-command';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export const EXIT_CODES_HELP = `
Connection: API commands go through the gateway at --address, else $OMEGA_ADDRESS, else the
current context ($OMEGA_CONFIG, default ~/.omega/config), else 127.0.0.1:50051; as the operator
of the local stack (<data-dir>/operator) or with a bearer token ($OMEGA_TOKEN or the context's).

Exit codes:
  0  ok (auth can-i: every method allowed)
  1  the command failed, or was denied (auth can-i: a method is not allowed)
  2  usage error: unknown command or flag, missing or bad argument
  3  audit verify: the audit log forked or rolled back

Docs: docs/cli.md`;

/** The CLI's version: the package's. */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The whole command tree, writing through `io`; the action sets `scope.exitCode`. */
export function buildProgram(scope: CommandScope): Command {
  const { io } = scope;
  const program = new Command('omega')
    .description(
      'Omega from the terminal: run a local stack, query and steer it through the gateway',
    )
    .version(cliVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
      // One line: commander puts its "(Did you mean ...?)" on a second.
      outputError: (text, write) =>
        write(
          `omega: ${text
            .replace(/^error: /, '')
            .trimEnd()
            .replace(/\n+/g, ' ')}\n`,
        ),
    })
    .addHelpText('after', EXIT_CODES_HELP);
  registerLocalCommands(program, scope);
  registerAlertCommands(program, scope);
  registerRuleCommands(program, scope);
  registerWorkflowCommands(program, scope);
  registerReplayCommand(program, scope);
  registerModuleCommands(program, scope);
  registerPacketCommands(program, scope);
  registerGatewayCommands(program, scope);
  registerDecoyCommands(program, scope);
  registerHoneytokenCommands(program, scope);
  registerInteractionCommands(program, scope);
  registerTwinCommands(program, scope);
  registerConfigCommands(program, scope);
  program
    .command('completion')
    .description('print a shell completion script: source <(omega completion bash)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action((shell: 'bash' | 'zsh') => {
      io.out((shell === 'bash' ? bashCompletion(program) : zshCompletion(program)).trimEnd());
    });
  return program;
}

/** Runs `omega <argv>` and resolves to its exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const scope: CommandScope = { io, exitCode: EXIT_OK };
  const program = buildProgram(scope);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  return runTraced(program, argv, async () => {
    try {
      await program.parseAsync([...argv], { from: 'user' });
      return scope.exitCode;
    } catch (err) {
      // commander has printed usage errors already; --help and --version end with exit code 0.
      if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      io.err(`omega: ${cliErrorMessage(err)}`);
      return err instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
    }
  });
}

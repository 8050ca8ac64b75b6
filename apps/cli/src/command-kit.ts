// What the API commands share: the connection flags, `-o`, and the action wrapper that turns a
// command's result into the exit code.
import * as grpc from '@grpc/grpc-js';
import { Option, type Command } from 'commander';
import type { CliIo } from './cli-io';
import { resolveConnection, type GatewayConnection } from './gateway-connection';
import { cliChannelCredentials } from './operator-identity';
import { OUTPUT_FORMATS, type OutputFormat, type Printer } from './output-format';

/** A usage error found by a command itself (flags that do not go together): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where a command is run from: its io, and the exit code its action sets. */
export interface CommandScope {
  readonly io: CliIo;
  exitCode: number;
}

export interface ConnectionOptions {
  address?: string;
  context?: string;
  dataDir?: string;
}

export interface OutputOptions {
  output: OutputFormat;
}

/** --address, --context and --data-dir: how to reach the gateway (gateway-connection.ts). */
export function withConnection(command: Command): Command {
  return command
    .option(
      '--address <host:port>',
      'gateway address (default: $OMEGA_ADDRESS, the context, 127.0.0.1:50051)',
    )
    .option('--context <name>', 'context from the contexts file (default: its current-context)')
    .option(
      '--data-dir <dir>',
      "the local stack's state, for its operator credential (default .omega)",
    );
}

/** -o table|wide|json|yaml. */
export function withOutput(command: Command): Command {
  return command.addOption(
    new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'),
  );
}

export function printer(scope: CommandScope, options: OutputOptions): Printer {
  return { format: options.output, colour: scope.io.colour };
}

/** The gateway connection for a command's options. */
export function connect(
  scope: CommandScope,
  options: ConnectionOptions,
): Promise<GatewayConnection> {
  return resolveConnection(
    { address: options.address, context: options.context, dataDir: options.dataDir },
    scope.io.env,
  );
}

/**
 * A service's own port instead of the gateway (`--intelligence`, `--orchestrator`, as before the
 * gateway): the operator's credential for that service, plaintext on a plaintext stack.
 */
export async function directConnection(
  address: string,
  service: string,
  dataDir: string | undefined,
): Promise<Pick<GatewayConnection, 'address' | 'credentials'>> {
  const credentials = await cliChannelCredentials(dataDir, service);
  return { address, credentials: credentials ?? grpc.credentials.createInsecure() };
}

/** commander action that records the exit code the command returns. */
export function action<A extends unknown[]>(
  scope: CommandScope,
  run: (...args: A) => Promise<number>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    scope.exitCode = await run(...args);
  };
}

/** Prints lines to stdout. */
export function print(scope: CommandScope, lines: readonly string[]): void {
  for (const line of lines) scope.io.out(line);
}

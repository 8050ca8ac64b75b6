// A trace per `omega` run: tracing set up from the standard OTEL_* variables (the CLI has no config
// file of its own), one span named for the command around the run, and traceparent on every call
// to the gateway (gatewayClient's interceptor), so the services' spans join the CLI's trace.
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Command } from 'commander';
import { TRACER_NAME, errorMessage, startTracing, type Tracing } from '@omega/runtime';

/** The resource's service.name of the CLI's spans unless OTEL_SERVICE_NAME names another. */
export const CLI_SERVICE_NAME = 'omega-cli';

/** How long the CLI waits, at most, for its spans to reach the collector before it exits. */
const FLUSH_LIMIT_MS = 5_000;

/**
 * Starts tracing for this run. An OTEL_* setting Omega does not build (say
 * OTEL_EXPORTER_OTLP_PROTOCOL=grpc left in a shell for other tools) does not stop the command:
 * the CLI says so on stderr and runs untraced.
 */
export function startCliTracing(
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
): Tracing | undefined {
  try {
    return startTracing({ serviceName: CLI_SERVICE_NAME, env });
  } catch (err) {
    warn(`omega: tracing off: ${errorMessage(err)}`);
    return undefined;
  }
}

/** Flushes the run's spans, waiting at most FLUSH_LIMIT_MS (an unreachable collector must not hang the CLI). */
export async function stopCliTracing(tracing: Tracing | undefined): Promise<void> {
  if (!tracing) return;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, FLUSH_LIMIT_MS);
    timer.unref();
  });
  await Promise.race([tracing.shutdown().catch(() => undefined), limit]);
  clearTimeout(timer);
}

/**
 * Runs the command inside a span named `omega <command path>` (`omega rules list`); arguments and
 * flags are left out, as they may hold tokens or file names. The exit code goes on the span.
 */
export async function runTraced(
  program: Command,
  argv: readonly string[],
  run: () => Promise<number>,
): Promise<number> {
  return trace
    .getTracer(TRACER_NAME)
    .startActiveSpan(`omega ${commandPath(program, argv).join(' ')}`.trim(), async (span) => {
      try {
        const code = await run();
        span.setAttribute('process.exit.code', code);
        if (code !== 0)
          span.setStatus({ code: SpanStatusCode.ERROR, message: `exit code ${code}` });
        return code;
      } finally {
        span.end();
      }
    });
}

/** The subcommand names at the start of argv that name commands of `program`. */
export function commandPath(program: Command, argv: readonly string[]): string[] {
  const path: string[] = [];
  let at: Command = program;
  for (const word of argv) {
    const next = at.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    path.push(next.name());
    at = next;
  }
  return path;
}

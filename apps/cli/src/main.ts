#!/usr/bin/env node
// The `omega` command: runs the command tree (cli-program.ts) with the process's stdout, stderr and
// environment, traced as OTEL_* asks (cli-tracing.ts), and exits with its code.
import { processIo } from './cli-io';
import { runCli } from './cli-program';
import { startCliTracing, stopCliTracing } from './cli-tracing';

const io = processIo();
const tracing = startCliTracing(io.env, io.err);
runCli(process.argv.slice(2), io).then(async (code) => {
  await stopCliTracing(tracing);
  process.exit(code);
});

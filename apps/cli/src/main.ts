#!/usr/bin/env node
// The `omega` command: runs the command tree (cli-program.ts) with the process's stdout, stderr and
// environment, and exits with its code.
import { processIo } from './cli-io';
import { runCli } from './cli-program';

runCli(process.argv.slice(2), processIo()).then((code) => process.exit(code));

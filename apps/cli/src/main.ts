#!/usr/bin/env node
// The `omega` command: `omega up` (the local runner), `omega audit ...`, `omega attest`, `omega verify`,
// `omega witness`.
import { cliChannelCredentials } from './operator-identity';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { alertsCommand } from './alerts-command';
import { attestFile, verifyFile } from './attest-command';
import { auditProof, auditShow, auditVerify, type AuditCommandOptions } from './audit-command';
import { DEFAULT_STATE_FILE } from './audit-state';
import { demoCommand } from './demo/demo-command';
import { upCommand } from './up-command';
import { startWitness } from './witness-server';
import { workflowsCommand } from './workflows-command';
import { cliErrorMessage } from './unreachable-hint';

const USAGE = `usage: omega up [options]
       omega demo [--replay] [--keep] [--record DIR] [--port-offset N] [--data-dir DIR]
       omega audit verify [--full] [--witness VKEY --witness-url URL]|proof <index>|show <index> [audit options]
       omega witness --log-key FILE [--witness-key FILE] [--witness-state FILE] [--listen HOST:PORT]
       omega attest <file> [audit options]
       omega verify <file> [audit options]
       omega workflows|playbooks ... (omega workflows --help)
       omega alerts|incidents list|show ... (omega alerts --help)

Starts nats-server and every Omega service on this machine and streams their logs.

options:
  --port-offset N      add N to every default port (nats 4222, gRPC 50051-50057,
                       metrics 9464-9470, trust tlog 8081)
  --data-dir DIR       state: nats-server store and trust keys (default .omega)
  --services a,b       start only these services
  --exit-when-ready    start, print the status table, stop (a smoke check)
  --insecure-plaintext development only: plaintext gRPC and a bus that authenticates nobody
                       (default: every gRPC hop is mutual TLS 1.3 with per-method authorization,
                       every bus connection TLS with a certificate trust issued and authorized
                       by trust; the CLI uses the operator credential in <data-dir>/operator)
  --ready-timeout-ms N how long each service may take to become ready (default 120000)
  -h, --help           this text

omega demo runs the stack and a scripted attack, and narrates how Omega detects, contains and
audits it (docs/demo.md): live in network namespaces with eBPF as root, else (or with --replay)
from the recording in test-corpus/demo. --keep leaves it all running; --record DIR also records
the live run for replay mode. State goes to .omega/demo.

audit options (omega audit, attest, verify):
  --trust HOST:PORT    trust gRPC address (default 127.0.0.1:50052)
  --tlog URL           trust tlog-tiles HTTP base, e.g. http://127.0.0.1:8081 (checkpoint and
                       tiles are read from it when given)
  --log-key FILE       the audit log's public key (text form); default: pinned on first use
  --state FILE         pinned key and last checkpoint seen (default ~/.omega/audit-state.json)

omega audit verify checks the latest checkpoint's Ed25519 and ML-DSA-65 signatures against the
pinned key and its consistency with the last checkpoint seen; exit 3 if the log forked or rolled
back, 1 if any other check failed. With --full (needs --tlog) it also recomputes the whole tree
from every entry bundle and checks every tile, interior levels too, and the signed root, naming
the first entry or tile that disagrees. omega audit show prints an entry with "verified": true
only when its inclusion proof leads to a checkpoint signed by the pinned key; otherwise it says
NOT VERIFIED and exits 1. With --witness it asks the witness at --witness-url to cosign the
checkpoint (C2SP tlog-witness) and requires a valid cosignature/v1 from that key.

omega witness cosigns the audit log's checkpoints, each only if the log key signed it and it
extends the last one it cosigned; it creates its key on first start and prints its vkey
(--witness-key default ~/.omega/witness.key, --witness-state ~/.omega/witness-state.note,
--listen 127.0.0.1:8082, --witness-name NAME for a new key, --origin default omega.local/audit).`;

async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'workflows' || argv[0] === 'playbooks')
    return workflowsCommand(argv[0], argv.slice(1));
  if (argv[0] === 'alerts' || argv[0] === 'incidents') return alertsCommand(argv[0], argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'port-offset': { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      services: { type: 'string' },
      'exit-when-ready': { type: 'boolean', default: false },
      'insecure-plaintext': { type: 'boolean', default: false },
      'ready-timeout-ms': { type: 'string', default: '120000' },
      help: { type: 'boolean', short: 'h', default: false },
      trust: { type: 'string', default: '127.0.0.1:50052' },
      tlog: { type: 'string' },
      'log-key': { type: 'string' },
      full: { type: 'boolean', default: false },
      witness: { type: 'string' },
      'witness-url': { type: 'string' },
      'witness-key': { type: 'string', default: join(homedir(), '.omega', 'witness.key') },
      'witness-state': { type: 'string', default: join(homedir(), '.omega', 'witness-state.note') },
      'witness-name': { type: 'string', default: 'omega-witness' },
      listen: { type: 'string', default: '127.0.0.1:8082' },
      origin: { type: 'string', default: 'omega.local/audit' },
      state: { type: 'string', default: DEFAULT_STATE_FILE },
      replay: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      record: { type: 'string' },
    },
  });
  const [command] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const trustCredentials = await cliChannelCredentials(values['data-dir'], 'trust');
  const audit: AuditCommandOptions = {
    trust: values.trust,
    ...(trustCredentials ? { credentials: trustCredentials } : {}),
    ...(values.tlog ? { tlog: values.tlog } : {}),
    ...(values['log-key'] ? { logKeyFile: values['log-key'] } : {}),
    stateFile: values.state,
    full: values.full,
    ...(values.witness ? { witness: values.witness } : {}),
    ...(values['witness-url'] ? { witnessUrl: values['witness-url'] } : {}),
  };
  const [, sub, arg] = positionals;
  if (command === 'audit' && sub === 'verify') return auditVerify(audit);
  if (command === 'audit' && sub === 'proof' && arg) {
    return auditProof(audit, parseInteger('index', arg));
  }
  if (command === 'audit' && sub === 'show' && arg) {
    return auditShow(audit, parseInteger('index', arg));
  }
  if (command === 'witness') {
    if (!values['log-key']) throw new Error('omega witness: --log-key FILE is required');
    const [host, port] = values.listen.split(':');
    await startWitness({
      keyFile: values['witness-key'],
      name: values['witness-name'],
      logKeyFile: values['log-key'],
      origin: values.origin,
      stateFile: values['witness-state'],
      host: host || '127.0.0.1',
      port: parseInteger('--listen port', port ?? ''),
      log: (line) => console.log(line),
    });
    return new Promise<number>(() => undefined);
  }
  if (command === 'attest' && sub) return attestFile(audit, sub);
  if (command === 'verify' && sub) return verifyFile(audit, sub);
  if (command === 'demo') {
    return demoCommand({
      root: join(__dirname, '..', '..', '..'),
      replay: values.replay,
      keep: values.keep,
      recordDir: values.record,
      dataDir: values['data-dir'],
      portOffset: parseInteger('--port-offset', values['port-offset']),
    });
  }
  if (command !== 'up') {
    console.error(`omega: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  return upCommand({
    root: join(__dirname, '..', '..', '..'),
    portOffset: parseInteger('--port-offset', values['port-offset']),
    dataDir: values['data-dir'],
    services: values.services,
    exitWhenReady: values['exit-when-ready'],
    insecurePlaintext: values['insecure-plaintext'],
    readyTimeoutMs: parseInteger('--ready-timeout-ms', values['ready-timeout-ms']),
  });
}

function parseInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${flag}: expected a non-negative integer, got '${value}'`);
  return n;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`omega: ${cliErrorMessage(err)}`);
    process.exit(2);
  },
);

// The commands that run things on this machine or read the audit log: `omega up`, `omega demo`,
// `omega witness`, `omega audit verify|proof|show`, `omega attest`, `omega verify`.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { attestFile, verifyFile } from './attest-command';
import { auditProof, auditShow, auditVerify, type AuditCommandOptions } from './audit-command';
import { DEFAULT_STATE_FILE } from './audit-state';
import { nonNegativeInteger } from './cli-io';
import { UsageError, action, type CommandScope } from './command-kit';
import { demoCommand } from './demo/demo-command';
import { cliChannelCredentials } from './operator-identity';
import { upCommand } from './up-command';
import { startWitness } from './witness-server';

const ROOT = join(__dirname, '..', '..', '..');

export interface AuditFlags {
  trust: string;
  tlog?: string;
  logKey?: string;
  state: string;
  dataDir?: string;
  full?: boolean;
  witness?: string;
  witnessUrl?: string;
}

export function registerLocalCommands(program: Command, scope: CommandScope): void {
  program
    .command('up')
    .description('start nats-server and every Omega service on this machine and stream their logs')
    .option(
      '--port-offset <n>',
      'add N to every default port (nats 4222, gRPC 50051-50057, gateway web 50058, metrics 9464-9470, tlog 8081)',
      nonNegativeInteger,
      0,
    )
    .option('--data-dir <dir>', 'state: nats-server store and trust keys (default .omega)')
    .option('--services <a,b>', 'start only these services')
    .option('--exit-when-ready', 'start, print the status table, stop (a smoke check)')
    .option(
      '--insecure-plaintext',
      'development only: plaintext gRPC and a bus that authenticates nobody',
    )
    .option(
      '--ready-timeout-ms <n>',
      'how long each service may take to become ready',
      nonNegativeInteger,
      120_000,
    )
    .addHelpText(
      'after',
      '\nBy default every gRPC hop is mutual TLS 1.3 with per-method authorization and every bus\nconnection TLS with a certificate from trust; the CLI uses the operator credential written to\n<data-dir>/operator.',
    )
    .action(
      action(
        scope,
        (o: {
          portOffset: number;
          dataDir?: string;
          services?: string;
          exitWhenReady?: boolean;
          insecurePlaintext?: boolean;
          readyTimeoutMs: number;
        }) =>
          upCommand({
            root: ROOT,
            portOffset: o.portOffset,
            dataDir: o.dataDir,
            services: o.services,
            exitWhenReady: o.exitWhenReady === true,
            insecurePlaintext: o.insecurePlaintext === true,
            readyTimeoutMs: o.readyTimeoutMs,
          }),
      ),
    );

  program
    .command('demo')
    .description(
      'run the stack and a scripted attack, and narrate how Omega detects, contains and audits it (docs/demo.md)',
    )
    .option('--replay', 'play the recording in test-corpus/demo instead of a live attack')
    .option('--keep', 'leave it all running')
    .option('--record <dir>', 'also record the live run for replay mode')
    .option('--port-offset <n>', 'add N to every default port', nonNegativeInteger, 0)
    .option('--data-dir <dir>', 'state (default .omega/demo)')
    .action(
      action(
        scope,
        (o: {
          replay?: boolean;
          keep?: boolean;
          record?: string;
          portOffset: number;
          dataDir?: string;
        }) =>
          demoCommand({
            root: ROOT,
            replay: o.replay === true,
            keep: o.keep === true,
            recordDir: o.record,
            dataDir: o.dataDir,
            portOffset: o.portOffset,
          }),
      ),
    );

  program
    .command('witness')
    .description(
      "cosign the audit log's checkpoints, each only if the log key signed it and it extends the last one cosigned",
    )
    .requiredOption('--log-key <file>', "the audit log's public key (text form)")
    .option(
      '--witness-key <file>',
      'the witness key (created on first start)',
      join(homedir(), '.omega', 'witness.key'),
    )
    .option(
      '--witness-state <file>',
      'the last checkpoint cosigned',
      join(homedir(), '.omega', 'witness-state.note'),
    )
    .option('--witness-name <name>', 'name for a new key', 'omega-witness')
    .option('--listen <host:port>', 'where to serve C2SP tlog-witness', '127.0.0.1:8082')
    .option('--origin <origin>', "the log's origin", 'omega.local/audit')
    .action(
      action(
        scope,
        async (o: {
          logKey: string;
          witnessKey: string;
          witnessState: string;
          witnessName: string;
          listen: string;
          origin: string;
        }) => {
          const [host, port = ''] = o.listen.split(':');
          await startWitness({
            keyFile: o.witnessKey,
            name: o.witnessName,
            logKeyFile: o.logKey,
            origin: o.origin,
            stateFile: o.witnessState,
            host: host || '127.0.0.1',
            port: listenPort(o.listen, port),
            log: (line) => scope.io.out(line),
          });
          return new Promise<number>(() => undefined);
        },
      ),
    );

  const audit = program
    .command('audit')
    .description('check the audit log: signed checkpoints, consistency, inclusion proofs')
    .addHelpText(
      'after',
      '\nomega audit verify checks the latest checkpoint\'s Ed25519 and ML-DSA-65 signatures against the\npinned key and its consistency with the last checkpoint seen; exit 3 if the log forked or rolled\nback, 1 if any other check failed. With --full (needs --tlog) it recomputes the whole tree from\nevery entry bundle and checks every tile. omega audit show prints an entry with "verified": true\nonly when its inclusion proof leads to a checkpoint signed by the pinned key.',
    );
  auditOptions(
    audit
      .command('verify')
      .description('verify the latest checkpoint; exit 3 if the log forked or rolled back'),
  )
    .option('--full', 'also recompute the whole tree from every entry bundle (needs --tlog)')
    .option('--witness <vkey>', 'require a cosignature from this witness key')
    .option('--witness-url <url>', 'the witness to ask (C2SP tlog-witness)')
    .action(action(scope, async (o: AuditFlags) => auditVerify(await auditContext(o))));
  auditOptions(audit.command('proof').description('print the inclusion proof of an entry'))
    .argument('<index>', 'log index', nonNegativeInteger)
    .action(
      action(scope, async (index: number, o: AuditFlags) =>
        auditProof(await auditContext(o), index),
      ),
    );
  auditOptions(audit.command('show').description('print an entry, verified against the pinned key'))
    .argument('<index>', 'log index', nonNegativeInteger)
    .action(
      action(scope, async (index: number, o: AuditFlags) =>
        auditShow(await auditContext(o), index),
      ),
    );

  auditOptions(
    program
      .command('attest')
      .description('attest a file in the audit log and write <file>.omega-attestation'),
  )
    .argument('<file>')
    .action(
      action(scope, async (file: string, o: AuditFlags) => attestFile(await auditContext(o), file)),
    );
  auditOptions(
    program.command('verify').description('check a file against its .omega-attestation, offline'),
  )
    .argument('<file>')
    .action(
      action(scope, async (file: string, o: AuditFlags) => verifyFile(await auditContext(o), file)),
    );
}

export function auditOptions(command: Command): Command {
  return command
    .option('--trust <host:port>', 'trust gRPC address', '127.0.0.1:50052')
    .option('--tlog <url>', 'trust tlog-tiles HTTP base, e.g. http://127.0.0.1:8081')
    .option('--log-key <file>', "the audit log's public key (default: pinned on first use)")
    .option('--state <file>', 'pinned key and last checkpoint seen', DEFAULT_STATE_FILE)
    .option(
      '--data-dir <dir>',
      "the local stack's state, for its operator credential (default .omega)",
    );
}

export async function auditContext(o: AuditFlags): Promise<AuditCommandOptions> {
  const credentials = await cliChannelCredentials(o.dataDir, 'trust');
  return {
    trust: o.trust,
    ...(credentials ? { credentials } : {}),
    ...(o.tlog ? { tlog: o.tlog } : {}),
    ...(o.logKey ? { logKeyFile: o.logKey } : {}),
    stateFile: o.state,
    full: o.full === true,
    ...(o.witness ? { witness: o.witness } : {}),
    ...(o.witnessUrl ? { witnessUrl: o.witnessUrl } : {}),
  };
}

function listenPort(listen: string, port: string): number {
  const n = Number(port);
  if (port === '' || !Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new UsageError(`--listen: expected host:port, got '${listen}'`);
  }
  return n;
}

// `omega modules`: build a Rust module for the sentinel's ABI, have trust attest it (signed and
// logged), load it on a sentinel, list and remove modules (SentinelService through the gateway).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { type Command } from 'commander';
import {
  checkpointNoteOf,
  MODULE_MEDIA_TYPE,
  MODULE_PREDICATE_TYPE,
  moduleSubjectName,
} from '@omega/auditlog';
import {
  AttestArtifactRequest,
  AuditEntry,
  LoadModuleRequest,
  ModuleAttestation,
  ModuleState,
  SentinelServiceClient,
  UnloadModuleRequest,
  type ModuleStatus,
} from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { withPinnedLog, type AuditCommandOptions } from './audit-command';
import {
  action,
  connect,
  print,
  printer,
  UsageError,
  withConnection,
  withOutput,
  type CommandScope,
  type ConnectionOptions,
  type OutputOptions,
} from './command-kit';
import { gatewayClient } from './gateway-connection';
import { auditContext, auditOptions, type AuditFlags } from './local-commands';
import {
  MODULE_ATTESTATION_SUFFIX,
  parseSelector,
  pushModule,
  type NamedModule,
} from './modules-push';
import { renderList, type Column } from './output-format';
import { operatorBusOptions, readOperatorFiles } from './operator-identity';
import { connectBus } from '@omega/bus';
import pino from 'pino';

export { MODULE_ATTESTATION_SUFFIX };

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

const MODULE_COLUMNS: readonly Column<ModuleStatus>[] = [
  { header: 'NAME', value: (m) => m.name },
  { header: 'VERSION', value: (m) => m.version },
  { header: 'STATE', value: (m) => ModuleState[m.state].replace('MODULE_STATE_', '') },
  { header: 'EVENTS', value: (m) => String(m.eventsTotal) },
  { header: 'VERDICTS', value: (m) => String(m.verdictsTotal) },
  { header: 'FINDINGS', value: (m) => String(m.alertsTotal) },
  { header: 'FAULTS', value: (m) => String(m.faultsTotal) },
  {
    header: 'NS/EVENT',
    value: (m) => (m.eventsTotal > 0n ? String(m.eventTimeNsTotal / m.eventsTotal) : '-'),
    wide: true,
  },
  {
    header: 'SHA256',
    value: (m) => Buffer.from(m.sha256).toString('hex').slice(0, 16),
    wide: true,
  },
  { header: 'ERROR', value: (m) => m.error, wide: true },
];

function checkNamed(o: NamedModule): void {
  if (!NAME.test(o.name)) {
    throw new UsageError(`--name: lower-case letters, digits and '-', got '${o.name}'`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/.test(o.version)) {
    throw new UsageError(`--version: 1-64 of letters, digits and . + _ -, got '${o.version}'`);
  }
}

async function readModule(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new OmegaError(Code.InvalidArgument, `module ${file}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

/**
 * Has trust attest `file` as module `name`@`version` (signed with the audit log key and logged)
 * and writes the attestation with its audit bundle to `<file>.omega-module`.
 */
export async function signModule(
  opts: AuditCommandOptions,
  file: string,
  module: NamedModule,
  out: (line: string) => void,
): Promise<number> {
  const wasm = await readModule(file);
  return withPinnedLog(opts, async ({ source, key, origin }) => {
    const sha256 = createHash('sha256').update(wasm).digest();
    const subject = moduleSubjectName(module.name, module.version);
    const { attestation } = await source.attest(
      AttestArtifactRequest.fromPartial({
        subject: { name: subject, sha256, mediaType: MODULE_MEDIA_TYPE },
        predicateType: MODULE_PREDICATE_TYPE,
        requestId: `module:${subject}:${sha256.toString('hex')}`,
      }),
    );
    const index = Number(attestation!.audit!.logIndex);
    const { proof, checkpoint } = await source.inclusionProof(index);
    const record = ModuleAttestation.fromPartial({
      envelope: attestation!.envelope,
      origin,
      logIndex: BigInt(index),
      entry: Buffer.from(AuditEntry.encode(await source.entry(index)).finish()),
      inclusionProof: proof.hashes,
      checkpointNote: checkpointNoteOf(checkpoint, key),
    });
    const written = `${file}${MODULE_ATTESTATION_SUFFIX}`;
    await writeFile(written, `${JSON.stringify(ModuleAttestation.toJSON(record), null, 2)}\n`);
    out(`attested ${subject} sha256:${sha256.toString('hex')} as log entry ${index}`);
    out(`wrote ${written}`);
    return 0;
  });
}

export function registerModuleCommands(program: Command, scope: CommandScope): void {
  const modules = program.command('modules').description('signed WASM detection modules');

  modules
    .command('build')
    .description('build a Rust module crate for the module ABI (wasm32, imported memory)')
    .argument('[crate-dir]', 'the crate (a cdylib depending on omega-module-sdk)', '.')
    .action(
      action(scope, async (dir: string) => {
        const rustflags = '-C link-arg=--import-memory -C link-arg=-zstack-size=65536';
        const cargo = spawnSync(
          'cargo',
          ['build', '--release', '--target', 'wasm32-unknown-unknown'],
          { cwd: dir, stdio: 'inherit', env: { ...process.env, RUSTFLAGS: rustflags } },
        );
        if (cargo.status !== 0) {
          throw new OmegaError(Code.FailedPrecondition, `modules build: cargo failed in ${dir}`);
        }
        print(scope, [`built in ${dir}/target/wasm32-unknown-unknown/release/`]);
        return 0;
      }),
    );

  auditOptions(
    modules
      .command('sign')
      .description(
        `have trust attest a module (signed, logged); writes <file>${MODULE_ATTESTATION_SUFFIX}`,
      ),
  )
    .argument('<file>', 'the .wasm file')
    .requiredOption('--name <name>', 'module name, e.g. crypto-miner')
    .requiredOption('--version <version>', 'module version, e.g. 1.0.0')
    .action(
      action(scope, async (file: string, o: AuditFlags & NamedModule) => {
        checkNamed(o);
        return signModule(await auditContext(o), file, o, (line) => print(scope, [line]));
      }),
    );

  withOutput(
    withConnection(
      modules
        .command('load')
        .description(
          `load a signed module on a sentinel (needs <file>${MODULE_ATTESTATION_SUFFIX})`,
        ),
    ),
  )
    .argument('<file>', 'the .wasm file')
    .requiredOption('--name <name>', 'module name')
    .requiredOption('--version <version>', 'module version')
    .action(
      action(scope, async (file: string, o: NamedModule & ConnectionOptions & OutputOptions) => {
        checkNamed(o);
        const wasm = await readModule(file);
        let attestation: ModuleAttestation;
        try {
          const text = await readFile(`${file}${MODULE_ATTESTATION_SUFFIX}`, 'utf8');
          attestation = ModuleAttestation.fromJSON(JSON.parse(text));
        } catch (err) {
          throw new OmegaError(
            Code.FailedPrecondition,
            `modules load: ${file}${MODULE_ATTESTATION_SUFFIX}: ${errorMessage(err)} (run \`omega modules sign\` first)`,
            { cause: err },
          );
        }
        const client = gatewayClient(SentinelServiceClient, await connect(scope, o));
        try {
          const { module } = await client.loadModule(
            LoadModuleRequest.fromPartial({
              name: o.name,
              version: o.version,
              module: { $case: 'wasm', value: wasm },
              sha256: createHash('sha256').update(wasm).digest(),
              loggedAttestation: attestation,
            }),
          );
          print(scope, renderList(printer(scope, o), [module!], MODULE_COLUMNS, [module], ''));
          return 0;
        } finally {
          client.close();
        }
      }),
    );

  modules
    .command('push')
    .description(
      `deploy a signed module to every sentinel the selector picks (needs <file>${MODULE_ATTESTATION_SUFFIX})`,
    )
    .argument('<file>', 'the .wasm file')
    .requiredOption('--name <name>', 'module name')
    .requiredOption('--version <version>', 'module version')
    .option('--selector <key=value...>', 'node labels a node must have (default: every node)', [])
    .option('--nats <url>', 'the bus', 'nats://127.0.0.1:4222')
    .option('--data-dir <dir>', "the local stack's state, for its operator credential", '.omega')
    .action(
      action(
        scope,
        async (
          file: string,
          o: NamedModule & { selector: string[]; nats: string; dataDir: string },
        ) => {
          checkNamed(o);
          const operator = await readOperatorFiles(o.dataDir);
          const bus = await connectBus({
            servers: o.nats,
            name: 'omega-modules-push',
            logger: pino({ level: 'silent' }),
            ...(operator ? { natsOptions: operatorBusOptions(operator) } : {}),
          });
          try {
            const object = await pushModule(bus, file, o, parseSelector(o.selector));
            print(scope, [
              `pushed ${o.name} ${o.version} (${object}) to omega_policy module.${o.name}`,
            ]);
            return 0;
          } finally {
            await bus.drain();
          }
        },
      ),
    );

  withOutput(withConnection(modules.command('ls').description("a sentinel's modules"))).action(
    action(scope, async (o: ConnectionOptions & OutputOptions) => {
      const client = gatewayClient(SentinelServiceClient, await connect(scope, o));
      try {
        const status = await client.getStatus({});
        print(
          scope,
          renderList(
            printer(scope, o),
            status.modules,
            MODULE_COLUMNS,
            status.modules,
            'no modules',
          ),
        );
        return 0;
      } finally {
        client.close();
      }
    }),
  );

  withOutput(withConnection(modules.command('rm').description('unload a module from a sentinel')))
    .argument('<name>')
    .action(
      action(scope, async (name: string, o: ConnectionOptions & OutputOptions) => {
        const client = gatewayClient(SentinelServiceClient, await connect(scope, o));
        try {
          const { module } = await client.unloadModule(UnloadModuleRequest.fromPartial({ name }));
          print(scope, [`unloaded ${module!.name} ${module!.version}`]);
          return 0;
        } finally {
          client.close();
        }
      }),
    );
}

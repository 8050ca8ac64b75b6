// `omega decoys deploy|list|rm` and `omega honeytokens mint|list|revoke`: the deception service
// from the terminal, through the gateway like every API command. (`omega tokens` is the gateway's
// bearer tokens, so honeytokens have their own noun.)
import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import {
  DeceptionServiceClient,
  DecoyKind,
  DeployDecoyResponse,
  HoneytokenKind,
  ListDecoysResponse,
  ListHoneytokensResponse,
  MintHoneytokenResponse,
  RemoveDecoyResponse,
  RevokeHoneytokenResponse,
  decoyKindToJSON,
  decoyStatusToJSON,
  honeytokenKindToJSON,
  honeytokenStatusToJSON,
  type DeceptionServiceService,
  type Decoy,
  type Honeytoken,
} from '@omega/proto';
import type { PromiseClient } from '@omega/runtime';
import { durationSeconds, positiveInteger } from './cli-io';
import {
  action,
  connect,
  print,
  printer,
  withConnection,
  withOutput,
  type CommandScope,
  type ConnectionOptions,
  type OutputOptions,
  UsageError,
} from './command-kit';
import { gatewayClient } from './gateway-connection';
import { enumLabel, isoTime, renderList, renderMessage, type Column } from './output-format';

export type DeceptionClient = PromiseClient<typeof DeceptionServiceService>;
type Options = ConnectionOptions & OutputOptions;

const DECOY_KINDS = ['ssh', 'http', 'redis', 'postgres', 'mysql'] as const;
const HONEYTOKEN_KINDS = [
  'credential',
  'kubernetes-secret',
  'kubernetes-token',
  'access-key',
  'canary-url',
  'dns-canary',
] as const;

const decoyKindName = (k: DecoyKind) => enumLabel(decoyKindToJSON(k), 'DECOY_KIND_');
const tokenKindName = (k: HoneytokenKind) =>
  enumLabel(honeytokenKindToJSON(k), 'HONEYTOKEN_KIND_').replaceAll('_', '-');

const DECOY_COLUMNS: readonly Column<Decoy>[] = [
  { header: 'ID', value: (d) => d.id },
  { header: 'KIND', value: (d) => decoyKindName(d.spec?.kind ?? 0) },
  { header: 'NAME', value: (d) => d.spec?.name ?? '' },
  { header: 'NAMESPACE', value: (d) => d.spec?.namespace || '-' },
  {
    header: 'STATUS',
    value: (d) => enumLabel(decoyStatusToJSON(d.status), 'DECOY_STATUS_'),
    colour: (d) => (d.status === 3 ? 'red' : undefined),
  },
  { header: 'ADDRESS', value: (d) => d.address },
  { header: 'INTERACTIONS', value: (d) => String(d.interactionCount) },
  { header: 'LAST', value: (d) => isoTime(d.lastInteractionTimeNs), wide: true },
  { header: 'HONEYTOKENS', value: (d) => d.spec?.honeytokenIds.join(',') || '-', wide: true },
  { header: 'CREATED', value: (d) => isoTime(d.createTimeNs), wide: true },
];

const HONEYTOKEN_COLUMNS: readonly Column<Honeytoken>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'KIND', value: (t) => tokenKindName(t.kind) },
  { header: 'NAME', value: (t) => t.name },
  {
    header: 'STATUS',
    value: (t) => enumLabel(honeytokenStatusToJSON(t.status), 'HONEYTOKEN_STATUS_'),
    colour: (t) => (t.status === 2 ? 'red' : undefined),
  },
  { header: 'TRIGGERS', value: (t) => String(t.triggerCount) },
  { header: 'PLACEMENT', value: (t) => t.placement || '-' },
  { header: 'NAMESPACE', value: (t) => t.namespace || '-', wide: true },
  { header: 'LAST TRIGGER', value: (t) => isoTime(t.lastTriggerTimeNs), wide: true },
  { header: 'EXPIRES', value: (t) => isoTime(t.expireTimeNs), wide: true },
];

/** `key=value`, repeatable, into a map. */
function labelPair(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new UsageError(`--label: '${value}' is not key=value`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}
const repeated = (value: string, previous: string[] = []): string[] => [...previous, value];

export function deceptionCommand(command: Command, description: string): Command {
  return withOutput(withConnection(command.description(description)));
}

export async function withDeception(
  scope: CommandScope,
  options: ConnectionOptions,
  run: (client: DeceptionClient) => Promise<number>,
): Promise<number> {
  const client = gatewayClient(DeceptionServiceClient, await connect(scope, options));
  try {
    return await run(client);
  } finally {
    client.close();
  }
}

/** The response as JSON/YAML, or `lines` for table and wide. */
function answer(scope: CommandScope, options: Options, json: unknown, lines: () => string[]): void {
  const out = printer(scope, options);
  print(
    scope,
    out.format === 'json' || out.format === 'yaml' ? [renderMessage(out.format, json)] : lines(),
  );
}

export function registerDecoyCommands(program: Command, scope: CommandScope): void {
  const decoys = program.command('decoys').description('decoys: listeners nothing real uses');
  deceptionCommand(decoys.command('deploy'), 'deploy a decoy (prints it; --dry-run only checks)')
    .addOption(new Option('--kind <kind>', 'protocol').choices(DECOY_KINDS).makeOptionMandatory())
    .requiredOption('--name <name>', 'a name that blends in, e.g. billing-db')
    .requiredOption('--port <port>', 'port it listens on', positiveInteger)
    .option('--namespace <ns>', 'namespace it poses in', '')
    .option('--banner <text>', 'protocol persona, e.g. an SSH identification string', '')
    .option('--label <key=value>', 'label (repeatable)', labelPair)
    .option('--honeytoken <id>', 'honeytoken it accepts as a valid login (repeatable)', repeated)
    .option('--ttl <duration>', 'remove it after this long, e.g. 2h', durationSeconds)
    .option('--dry-run', 'check the spec without deploying')
    .action(
      action(
        scope,
        (
          o: Options & {
            kind: (typeof DECOY_KINDS)[number];
            name: string;
            port: number;
            namespace: string;
            banner: string;
            label?: Record<string, string>;
            honeytoken?: string[];
            ttl?: number;
            dryRun?: boolean;
          },
        ) =>
          withDeception(scope, o, async (client) => {
            const res = await client.deployDecoy({
              spec: {
                kind: DecoyKind[`DECOY_KIND_${o.kind.toUpperCase()}` as keyof typeof DecoyKind],
                name: o.name,
                namespace: o.namespace,
                port: o.port,
                labels: o.label ?? {},
                banner: o.banner,
                honeytokenIds: o.honeytoken ?? [],
                ttlSeconds: o.ttl ?? 0,
              },
              dryRun: o.dryRun === true,
              requestId: randomUUID(),
            });
            answer(scope, o, DeployDecoyResponse.toJSON(res), () =>
              renderList(
                printer(scope, o),
                res.decoy ? [res.decoy] : [],
                DECOY_COLUMNS,
                null,
                'no decoy',
              ),
            );
            return 0;
          }),
      ),
    );
  deceptionCommand(decoys.command('list'), 'decoys with their status and interaction counts')
    .option('--namespace <ns>', 'only this namespace', '')
    .option('--all', 'include removed decoys')
    .action(
      action(scope, (o: Options & { namespace: string; all?: boolean }) =>
        withDeception(scope, o, async (client) => {
          const res = await client.listDecoys({
            namespace: o.namespace,
            kind: DecoyKind.DECOY_KIND_UNSPECIFIED,
            includeRemoved: o.all === true,
            pageSize: 500,
            pageToken: '',
          });
          print(
            scope,
            renderList(
              printer(scope, o),
              res.decoys,
              DECOY_COLUMNS,
              ListDecoysResponse.toJSON(res),
              'no decoys',
            ),
          );
          return 0;
        }),
      ),
    );
  deceptionCommand(decoys.command('rm'), 'remove a decoy; its interactions stay listed')
    .argument('<id>', 'decoy id (decoys list shows it)')
    .option('--reason <text>', 'why, for the record', '')
    .action(
      action(scope, (id: string, o: Options & { reason: string }) =>
        withDeception(scope, o, async (client) => {
          const res = await client.removeDecoy({
            decoyId: id,
            reason: o.reason,
            requestId: randomUUID(),
          });
          answer(scope, o, RemoveDecoyResponse.toJSON(res), () => [
            `removed ${res.decoy?.id ?? id}`,
          ]);
          return 0;
        }),
      ),
    );
}

export function registerHoneytokenCommands(program: Command, scope: CommandScope): void {
  const tokens = program
    .command('honeytokens')
    .description('honeytokens: planted credentials whose every use alerts');
  deceptionCommand(tokens.command('mint'), 'mint a honeytoken; its secret is shown once')
    .addOption(
      new Option('--kind <kind>', 'what it looks like')
        .choices(HONEYTOKEN_KINDS)
        .makeOptionMandatory(),
    )
    .requiredOption('--name <name>', 'e.g. a username or a Secret name')
    .option('--placement <text>', 'where you will plant it, for the alert', '')
    .option('--namespace <ns>', 'namespace (Kubernetes kinds)', '')
    .option('--label <key=value>', 'label (repeatable)', labelPair)
    .option('--plant', 'plant it now (create the Secret, register the URL)')
    .option('--ttl <duration>', 'expire after this long, e.g. 30d', durationSeconds)
    .action(
      action(
        scope,
        (
          o: Options & {
            kind: (typeof HONEYTOKEN_KINDS)[number];
            name: string;
            placement: string;
            namespace: string;
            label?: Record<string, string>;
            plant?: boolean;
            ttl?: number;
          },
        ) =>
          withDeception(scope, o, async (client) => {
            const kind = `HONEYTOKEN_KIND_${o.kind.toUpperCase().replaceAll('-', '_')}`;
            const res = await client.mintHoneytoken({
              kind: HoneytokenKind[kind as keyof typeof HoneytokenKind],
              name: o.name,
              namespace: o.namespace,
              placement: o.placement,
              labels: o.label ?? {},
              plant: o.plant === true,
              ttlSeconds: o.ttl ?? 0,
              requestId: randomUUID(),
            });
            answer(scope, o, MintHoneytokenResponse.toJSON(res), () => [
              ...renderList(
                printer(scope, o),
                res.honeytoken ? [res.honeytoken] : [],
                HONEYTOKEN_COLUMNS,
                null,
                'no honeytoken',
              ),
              '',
              ...(res.secretId ? [`id (username, key id): ${res.secretId}`] : []),
              `secret (shown once): ${res.secretValue}`,
            ]);
            return 0;
          }),
      ),
    );
  deceptionCommand(tokens.command('list'), 'honeytokens (never their secrets) with trigger counts')
    .option('--namespace <ns>', 'only this namespace', '')
    .action(
      action(scope, (o: Options & { namespace: string }) =>
        withDeception(scope, o, async (client) => {
          const res = await client.listHoneytokens({
            kind: 0,
            namespace: o.namespace,
            status: 0,
            pageSize: 500,
            pageToken: '',
          });
          print(
            scope,
            renderList(
              printer(scope, o),
              res.honeytokens,
              HONEYTOKEN_COLUMNS,
              ListHoneytokensResponse.toJSON(res),
              'no honeytokens',
            ),
          );
          return 0;
        }),
      ),
    );
  deceptionCommand(tokens.command('revoke'), 'revoke a honeytoken; a later use still alerts')
    .argument('<id>', 'honeytoken id (honeytokens list shows it)')
    .option('--reason <text>', 'why, for the audit log', '')
    .action(
      action(scope, (id: string, o: Options & { reason: string }) =>
        withDeception(scope, o, async (client) => {
          const res = await client.revokeHoneytoken({
            honeytokenId: id,
            reason: o.reason,
            requestId: randomUUID(),
          });
          answer(scope, o, RevokeHoneytokenResponse.toJSON(res), () => [
            `revoked ${res.honeytoken?.id ?? id}`,
          ]);
          return 0;
        }),
      ),
    );
}

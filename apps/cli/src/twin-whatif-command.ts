// `omega twin whatif`: asks the twin what proposed changes would do before anyone makes them
// (TwinService.SimulateWhatIf): the attack paths they close, the paths left, and the observed
// flows they would break. Changes are repeatable flags; a NetworkPolicy comes from a file.
import { readFile, stat } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { ChangeKind, ProposedChange, SimulateWhatIfResponse, type AttackPath } from '@omega/proto';
import { positiveInteger } from './cli-io';
import { action, print, withConnection, type CommandScope, UsageError } from './command-kit';
import { diagnosticLine } from './rules-command';
import { pathsDot, withTwin } from './twin-client';
import type { ConnectionOptions } from './command-kit';

const OUTPUTS = ['table', 'json', 'dot'] as const;
/** The twin refuses a manifest above 64 KiB; the CLI says so before sending it. */
const MAX_MANIFEST_BYTES = 64 * 1024;
const repeated = (value: string, previous: string[] = []): string[] => [...previous, value];

interface WhatIfOptions extends ConnectionOptions {
  output: (typeof OUTPUTS)[number];
  isolate?: string[];
  removeEdge?: string[];
  applyPolicy?: string[];
  deletePolicy?: string[];
  revokeBinding?: string[];
  block?: string[];
  from?: string[];
  to?: string[];
  maxPaths?: number;
  snapshot: string;
}

async function manifest(file: string): Promise<string> {
  const size = await stat(file).then(
    (s) => s.size,
    (err: NodeJS.ErrnoException) => {
      throw new UsageError(`--apply-policy ${file}: ${err.code ?? err.message}`);
    },
  );
  if (size > MAX_MANIFEST_BYTES) {
    throw new UsageError(
      `--apply-policy ${file}: ${size} bytes is more than the ${MAX_MANIFEST_BYTES} a NetworkPolicy may have`,
    );
  }
  return readFile(file, 'utf8');
}

async function changesOf(o: WhatIfOptions): Promise<ProposedChange[]> {
  const change = (kind: ChangeKind, fields: Partial<ProposedChange>) =>
    ProposedChange.fromPartial({ kind, ...fields });
  const changes = [
    ...(o.isolate ?? []).map((t) => change(ChangeKind.CHANGE_KIND_ISOLATE, { targetNodeId: t })),
    ...(o.removeEdge ?? []).map((e) => change(ChangeKind.CHANGE_KIND_REMOVE_EDGE, { edgeId: e })),
    ...(await Promise.all(
      (o.applyPolicy ?? []).map(async (file) =>
        change(ChangeKind.CHANGE_KIND_APPLY_NETWORK_POLICY, { manifestYaml: await manifest(file) }),
      ),
    )),
    ...(o.deletePolicy ?? []).map((t) =>
      change(ChangeKind.CHANGE_KIND_DELETE_NETWORK_POLICY, { targetNodeId: t }),
    ),
    ...(o.revokeBinding ?? []).map((t) =>
      change(ChangeKind.CHANGE_KIND_REVOKE_BINDING, { targetNodeId: t }),
    ),
    ...(o.block ?? []).map((cidr) => change(ChangeKind.CHANGE_KIND_BLOCK_SOURCE, { cidr })),
  ];
  if (changes.length === 0) {
    throw new UsageError(
      'no change given: use --isolate, --remove-edge, --apply-policy, --delete-policy, --revoke-binding or --block',
    );
  }
  return changes;
}

const pathLine = (p: AttackPath) => `   risk ${p.risk.toFixed(3)}  ${p.nodeIds.join(' -> ')}`;

export function registerTwinWhatIf(twin: Command, scope: CommandScope): void {
  withConnection(
    twin
      .command('whatif')
      .description('what proposed changes would close, and which observed flows they would break'),
  )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(OUTPUTS).default('table'),
    )
    .option(
      '--isolate <pod>',
      'isolate a pod: pod/<ns>/<name> or <ns>/<name> (repeatable)',
      repeated,
    )
    .option('--remove-edge <id>', 'remove one edge by id (repeatable)', repeated)
    .option('--apply-policy <file>', 'apply a NetworkPolicy manifest (repeatable)', repeated)
    .option('--delete-policy <id>', 'delete networkpolicy/<ns>/<name> (repeatable)', repeated)
    .option(
      '--revoke-binding <id>',
      'delete rolebinding/<ns>/<name> or clusterrolebinding/<name> (repeatable)',
      repeated,
    )
    .option('--block <cidr>', 'drop traffic from an address or CIDR (repeatable)', repeated)
    .option('--from <id>', 'source node id (repeatable; default: external and alerted)', repeated)
    .option('--to <id>', 'target node id (repeatable; default: secrets, nodes)', repeated)
    .option('--max-paths <n>', 'paths to weigh (server default 10)', positiveInteger)
    .option('--snapshot <id>', 'answer from this snapshot', '')
    .action(
      action(scope, async (o: WhatIfOptions) => {
        const changes = await changesOf(o);
        return withTwin(scope, o, async (client) => {
          const res = await client.simulateWhatIf({
            changes,
            query: {
              sourceNodeIds: o.from ?? [],
              targetNodeIds: o.to ?? [],
              targetKinds: [],
              maxPaths: o.maxPaths ?? 0,
              maxDepth: 0,
              edgeKinds: [],
            },
            snapshotId: o.snapshot,
          });
          for (const d of res.diagnostics) scope.io.err(diagnosticLine(d));
          if (o.output === 'json') {
            print(scope, [JSON.stringify(SimulateWhatIfResponse.toJSON(res), null, 2)]);
            return 0;
          }
          if (o.output === 'dot') {
            // The paths still open after the changes.
            print(scope, [
              await pathsDot(client, res.remainingPaths, o.snapshot, 'remaining_paths'),
            ]);
            return 0;
          }
          print(scope, [
            `risk ${res.riskBefore.toFixed(3)} -> ${res.riskAfter.toFixed(3)}: ${res.closedPaths.length} paths closed, ${res.remainingPaths.length} left, ${res.brokenFlows.length} observed flows broken`,
          ]);
          if (res.closedPaths.length > 0)
            print(scope, ['closed:', ...res.closedPaths.map(pathLine)]);
          if (res.remainingPaths.length > 0)
            print(scope, ['still open:', ...res.remainingPaths.map(pathLine)]);
          if (res.brokenFlows.length > 0) {
            print(scope, [
              'would break:',
              ...res.brokenFlows.map(
                (f) =>
                  `   ${f.fromNodeId} -> ${f.toNodeId}:${f.port} (${f.observedCount} seen; ${f.sourceObject})`,
              ),
            ]);
          }
          return 0;
        });
      }),
    );
}

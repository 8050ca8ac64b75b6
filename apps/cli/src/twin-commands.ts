// `omega twin graph` and `omega twin paths` (and `whatif`, twin-whatif-command.ts): the twin's
// cluster graph and attack paths from the
// terminal, through the gateway like every API command; `-o dot` for Graphviz, `-o opengraph`
// (graph) for BloodHound, `-o json` for anything else.
import { Option, type Command } from 'commander';
import { toDot, toOpenGraph } from '@omega/attack-graph';
import { FindAttackPathsResponse, GetGraphResponse, GraphNodeKind } from '@omega/proto';
import { positiveInteger } from './cli-io';
import {
  action,
  print,
  withConnection,
  type CommandScope,
  type ConnectionOptions,
  UsageError,
} from './command-kit';
import { pathsDot, withTwin } from './twin-client';
import { registerTwinExposure } from './twin-exposure-command';
import { registerTwinWhatIf } from './twin-whatif-command';

const GRAPH_OUTPUTS = ['table', 'json', 'dot', 'opengraph'] as const;
const PATH_OUTPUTS = ['table', 'json', 'dot'] as const;
const repeated = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `pod`, `service-account` → GRAPH_NODE_KIND_POD, GRAPH_NODE_KIND_SERVICE_ACCOUNT. */
function nodeKind(name: string): GraphNodeKind {
  const kind =
    GraphNodeKind[
      `GRAPH_NODE_KIND_${name.toUpperCase().replaceAll('-', '_')}` as keyof typeof GraphNodeKind
    ];
  if (kind === undefined || kind === GraphNodeKind.GRAPH_NODE_KIND_UNSPECIFIED) {
    throw new UsageError(
      `--kind: '${name}' is not a node kind (pod, node, secret, service-account, role, ...)`,
    );
  }
  return kind;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

export function registerTwinCommands(program: Command, scope: CommandScope): void {
  const twin = program
    .command('twin')
    .description('the digital twin: the cluster as an attacker sees it');
  withConnection(twin.command('graph').description('the cluster graph (or part of it)'))
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(GRAPH_OUTPUTS).default('table'),
    )
    .option('--namespace <ns>', 'only this namespace (repeatable)', repeated)
    .option('--kind <kind>', 'only this node kind, e.g. pod, secret (repeatable)', repeated)
    .option('--flows', 'include observed flows')
    .option('--snapshot <id>', 'answer from this snapshot', '')
    .action(
      action(
        scope,
        (
          o: ConnectionOptions & {
            output: (typeof GRAPH_OUTPUTS)[number];
            namespace?: string[];
            kind?: string[];
            flows?: boolean;
            snapshot: string;
          },
        ) =>
          withTwin(scope, o, async (client) => {
            const res = await client.getGraph({
              namespaces: o.namespace ?? [],
              nodeKinds: (o.kind ?? []).map(nodeKind),
              includeObservedFlows: o.flows === true,
              snapshotId: o.snapshot,
            });
            const graph = res.graph ?? { nodes: [], edges: [], snapshotId: '', snapshotTimeNs: 0n };
            if (o.output === 'json') print(scope, [json(GetGraphResponse.toJSON(res))]);
            else if (o.output === 'dot') print(scope, [toDot(graph)]);
            else if (o.output === 'opengraph') print(scope, [json(toOpenGraph(graph))]);
            else {
              print(scope, [
                `snapshot ${graph.snapshotId}: ${graph.nodes.length} nodes, ${graph.edges.length} edges`,
              ]);
              for (const n of graph.nodes) print(scope, [`${n.alerted ? '! ' : '  '}${n.id}`]);
            }
            return 0;
          }),
      ),
    );
  withConnection(
    twin.command('paths').description('attack paths, most likely first, each step explained'),
  )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(PATH_OUTPUTS).default('table'),
    )
    .option(
      '--from <id>',
      'source node id (repeatable; default: external and alerted nodes)',
      repeated,
    )
    .option(
      '--to <id>',
      'target node id (repeatable; default: secrets, nodes, crown jewels)',
      repeated,
    )
    .option('--max-paths <n>', 'paths to find (server default 10)', positiveInteger)
    .option('--max-depth <n>', 'longest path in edges (server default 8)', positiveInteger)
    .option('--snapshot <id>', 'answer from this snapshot', '')
    .action(
      action(
        scope,
        (
          o: ConnectionOptions & {
            output: (typeof PATH_OUTPUTS)[number];
            from?: string[];
            to?: string[];
            maxPaths?: number;
            maxDepth?: number;
            snapshot: string;
          },
        ) =>
          withTwin(scope, o, async (client) => {
            const res = await client.findAttackPaths({
              query: {
                sourceNodeIds: o.from ?? [],
                targetNodeIds: o.to ?? [],
                targetKinds: [],
                maxPaths: o.maxPaths ?? 0,
                maxDepth: o.maxDepth ?? 0,
                edgeKinds: [],
              },
              snapshotId: o.snapshot,
            });
            if (o.output === 'json') {
              print(scope, [json(FindAttackPathsResponse.toJSON(res))]);
            } else if (o.output === 'dot') {
              print(scope, [await pathsDot(client, res.paths, res.snapshotId, 'attack_paths')]);
            } else {
              print(scope, [`snapshot ${res.snapshotId}: ${res.paths.length} paths`]);
              res.paths.forEach((p, i) => {
                print(scope, [`#${i + 1} risk ${p.risk.toFixed(3)}  ${p.nodeIds[0]}`]);
                for (const e of p.edges) {
                  print(scope, [
                    `   -> ${e.toNodeId}  ${e.attackKind} ${e.techniqueId}  (${e.sourceObject})`,
                  ]);
                }
              });
            }
            return 0;
          }),
      ),
    );
  registerTwinWhatIf(twin, scope);
  registerTwinExposure(twin, scope);
}

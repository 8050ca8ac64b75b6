// `omega twin exposure`: each target's chance of compromise and steps to it (seeded Monte-Carlo
// spread over the attack edges), and the chokepoints where a decoy or a control would sit on the
// most attack paths (TwinService.AssessExposure).
import { Option, type Command } from 'commander';
import { AssessExposureResponse } from '@omega/proto';
import { positiveInteger } from './cli-io';
import { action, print, withConnection, type CommandScope } from './command-kit';
import type { ConnectionOptions } from './command-kit';
import { withTwin } from './twin-client';

const OUTPUTS = ['table', 'json'] as const;
const repeated = (value: string, previous: string[] = []): string[] => [...previous, value];

interface ExposureOptions extends ConnectionOptions {
  output: (typeof OUTPUTS)[number];
  from?: string[];
  to?: string[];
  iterations?: number;
  seed?: number;
  chokepoints?: number;
  snapshot: string;
}

const percent = (p: number) => `${(100 * p).toFixed(1)}%`;

export function registerTwinExposure(twin: Command, scope: CommandScope): void {
  withConnection(
    twin
      .command('exposure')
      .description('chance and steps to compromise per target, and the chokepoints between'),
  )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(OUTPUTS).default('table'),
    )
    .option('--from <id>', 'source node id (repeatable; default: external and alerted)', repeated)
    .option(
      '--to <id>',
      'target node id (repeatable; default: secrets, nodes, crown jewels)',
      repeated,
    )
    .option('--iterations <n>', 'Monte-Carlo runs (server default 2,000)', positiveInteger)
    .option('--seed <n>', 'seed, for a reproducible estimate (server default 1)', positiveInteger)
    .option('--chokepoints <n>', 'chokepoints to list (server default 10)', positiveInteger)
    .option('--snapshot <id>', 'answer from this snapshot', '')
    .action(
      action(scope, (o: ExposureOptions) =>
        withTwin(scope, o, async (client) => {
          const res = await client.assessExposure({
            query: {
              sourceNodeIds: o.from ?? [],
              targetNodeIds: o.to ?? [],
              targetKinds: [],
              maxPaths: 0,
              maxDepth: 0,
              edgeKinds: [],
            },
            snapshotId: o.snapshot,
            iterations: o.iterations ?? 0,
            seed: BigInt(o.seed ?? 0),
            maxChokepoints: o.chokepoints ?? 0,
          });
          if (o.output === 'json') {
            print(scope, [JSON.stringify(AssessExposureResponse.toJSON(res), null, 2)]);
            return 0;
          }
          print(scope, [
            `snapshot ${res.snapshotId}: ${res.assets.length} targets, ${res.iterations} runs, seed ${res.seed}`,
          ]);
          for (const a of res.assets) {
            const steps = a.probability > 0 ? `, ${a.meanSteps.toFixed(1)} steps` : '';
            print(scope, [
              `   ${percent(a.probability)} [${percent(a.probabilityLow)}, ${percent(a.probabilityHigh)}]${steps}  ${a.nodeId}`,
            ]);
          }
          if (res.chokepoints.length > 0) {
            print(scope, [
              'chokepoints:',
              ...res.chokepoints.map(
                (c) =>
                  `   ${c.betweenness.toFixed(1)} paths${c.cutVertex ? ', cut vertex' : ''}  ${c.nodeId}`,
              ),
            ]);
          }
          return 0;
        }),
      ),
    );
}

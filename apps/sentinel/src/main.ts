// Sentinel entry point: `omega-sentinel` serves (eBPF telemetry and enforcement when it can load
// them, see sentinel-config.ts); `omega-sentinel replay <capture>` turns a pcap into events.
import { main } from '@omega/service';
import { buildSentinel, SENTINEL_RESOURCES, sentinelServiceConfigSchema } from './sentinel-service';
import { nodeName } from './sentinel-config';
import { runReplayCommand } from './events/replay-command';

if (process.argv[2] === 'replay') {
  runReplayCommand(process.argv.slice(3)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(
        `omega-sentinel replay: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exit(1);
    },
  );
} else {
  main({
    name: 'sentinel',
    configSchema: sentinelServiceConfigSchema,
    // A sentinel is its node's: `omega://<cluster>/sentinel/<node>` (in Kubernetes trust checks the
    // name against the node its pod runs on).
    enrollAs: (config) => ({ kind: 'sentinel', name: nodeName(config.sentinel) }),
    resources: SENTINEL_RESOURCES,
    build: async (parts) => {
      await buildSentinel(parts);
    },
  });
}

// The shipped reverse-shell rule on the richer labelled scenario (libs/detect generateRichScenario):
// it fires on every reverse shell of the ground truth, the cheat-sheet forms beyond bash's
// /dev/tcp included (Python pty, a FIFO into netcat, Perl, PHP, busybox nc, /dev/udp), and on no
// benign process: database exec probes and wait-for-port loops open /dev/tcp too, without handing
// it a shell's descriptors.
import { join } from 'node:path';
import { generateRichScenario } from '@omega/detect';
import { RuleCatalog } from './rule-catalog';

const REVERSE_SHELL = '0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02';

describe('the reverse-shell rule on the richer scenario', () => {
  it('matches every labelled reverse shell and no benign process launch', async () => {
    const catalog = await RuleCatalog.fromDirectory(join(__dirname, '..', 'rules'), 1n);
    const scenario = generateRichScenario({
      seed: 3,
      durationSec: 3600,
      backgroundPerSecond: 2,
      attacksPerKind: 3,
      monitoringTargets: 10,
    });
    const shells = new Set(
      scenario.truths.filter((t) => t.kind === 'reverse-shell').flatMap((t) => t.eventIds),
    );
    const matched = new Set<string>();
    let benignLaunches = 0;
    const benignMatches: string[] = [];
    for (const event of scenario.events()) {
      if (event.payload?.$case !== 'processActivity') continue;
      const hit = matches(catalog, event);
      if (shells.has(event.id)) {
        if (hit) matched.add(event.id);
      } else {
        benignLaunches++;
        if (hit) benignMatches.push(event.id);
      }
    }
    expect(shells.size).toBe(3 + 6);
    expect([...shells].filter((id) => !matched.has(id))).toEqual([]);
    // The exec probes alone are 4 pods × 120 launches in the hour.
    expect(benignLaunches).toBeGreaterThan(480);
    expect(benignMatches).toEqual([]);
  });
});

function matches(catalog: RuleCatalog, event: Parameters<RuleCatalog['matcher']['match']>[0]) {
  let found = false;
  catalog.matcher.match(event, (rule) => {
    if (rule.rule.id === REVERSE_SHELL) found = true;
  });
  return found;
}

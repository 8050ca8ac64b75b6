// Test-only: the shipped Sigma rule pack (apps/intelligence/rules) compiled as intelligence loads
// it, and the events of one process tree, for specs asserting what real workloads raise.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadRulePack, type CompiledSigmaRule } from '@omega/detect';
import type { Event } from '@omega/proto';

export const SHIPPED_RULES_DIR = join(__dirname, '..', '..', '..', 'intelligence', 'rules');

/** Every rule of the pack; throws naming a rule the engine rejects. */
export function shippedSigmaRules(): readonly CompiledSigmaRule[] {
  const texts: Array<{ source: string; text: string }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.yml'))
        texts.push({ source: relative(SHIPPED_RULES_DIR, path), text: readFileSync(path, 'utf8') });
    }
  };
  walk(SHIPPED_RULES_DIR);
  const pack = loadRulePack(texts);
  if (pack.rejected.length > 0)
    throw new Error(
      `shipped rule ${pack.rejected[0]!.source} rejected: ${pack.rejected[0]!.reason}`,
    );
  return pack.rules;
}

/** The events of `root` and its descendants (parents known from the events' ppids). */
export function eventsOfTree(events: readonly Event[], root: number): Event[] {
  const parent = new Map<number, number>();
  for (const e of events) {
    const p = e.actor?.process;
    const ppid = p?.parent?.pid;
    if (p?.pid && ppid) parent.set(p.pid, ppid);
    // a launch's payload names the child, the actor its parent
    if (e.payload?.$case === 'processActivity') {
      const child = e.payload.value.process;
      if (child?.pid && p?.pid && child.pid !== p.pid) parent.set(child.pid, p.pid);
    }
  }
  const inTree = (pid: number): boolean => {
    for (let at: number | undefined = pid, hops = 0; at && hops < 64; at = parent.get(at), hops++)
      if (at === root) return true;
    return false;
  };
  return events.filter((e) => {
    const pid = e.actor?.process?.pid;
    return pid !== undefined && inTree(pid);
  });
}

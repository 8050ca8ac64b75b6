// Test-only: reads the vendored SigmaHQ Linux rules (test-corpus/sigmahq-linux, see its NOTICE).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RuleText } from '../src/index';

export const SIGMAHQ_LINUX_DIR = join(__dirname, '..', 'test-corpus', 'sigmahq-linux');

function ymlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return ymlFiles(path);
      return name.endsWith('.yml') ? [path] : [];
    });
}

/** Every rule file, with its path under rules/linux/ as the source label. */
export function sigmahqLinuxRules(): RuleText[] {
  return ymlFiles(SIGMAHQ_LINUX_DIR).map((path) => ({
    source: relative(SIGMAHQ_LINUX_DIR, path),
    text: readFileSync(path, 'utf8'),
  }));
}

// The playbooks this replica runs: stored in the omega_playbooks KV bucket (one key per playbook
// id, the YAML source as value, the KV revision as version), loaded from the playbook directory
// at start when changed, and watched so a PutPlaybook on any replica reaches all of them.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KV } from '@omega/bus';
import { Code, OmegaError, type Logger } from '@omega/runtime';
import { parsePlaybook, type CompiledPlaybook, type ParseResult } from './playbook-parser';

export interface StoredPlaybook extends CompiledPlaybook {
  version: number;
}

export class PlaybookRegistry {
  private readonly playbooks = new Map<string, StoredPlaybook>();
  private stopWatch: (() => void) | undefined;

  constructor(
    private readonly kv: KV,
    private readonly actions: readonly string[],
    private readonly logger: Logger,
  ) {}

  validate(source: string, sourceName: string): ParseResult {
    return parsePlaybook(source, sourceName, this.actions);
  }

  /** Validates and stores; unchanged sources keep their version. */
  async put(
    source: string,
    sourceName: string,
  ): Promise<ParseResult & { stored?: StoredPlaybook; changed: boolean }> {
    const result = this.validate(source, sourceName);
    if (!result.playbook) return { ...result, changed: false };
    const key = `playbook.${result.playbook.id}`;
    const current = await this.kv.get(key);
    if (current?.operation === 'PUT' && current.string() === source) {
      const stored = { ...result.playbook, version: current.revision };
      this.playbooks.set(stored.id, stored);
      return { ...result, stored, changed: false };
    }
    const revision = await this.kv.put(key, source);
    const stored = { ...result.playbook, version: revision };
    this.playbooks.set(stored.id, stored);
    return { ...result, stored, changed: true };
  }

  get(id: string): StoredPlaybook | undefined {
    return this.playbooks.get(id);
  }

  list(): StoredPlaybook[] {
    return [...this.playbooks.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Stores the directory's playbooks, then follows the bucket. A bad file stops the start. */
  async start(dir: string): Promise<void> {
    if (dir) {
      const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
      for (const file of files) {
        const path = join(dir, file);
        const result = await this.put(await readFile(path, 'utf8'), path);
        if (!result.playbook) {
          const first = result.diagnostics[0];
          throw new OmegaError(
            Code.InvalidArgument,
            `playbook ${path}:${first?.line}:${first?.column}: ${first?.path}: ${first?.message}`,
          );
        }
      }
    }
    const watcher = await this.kv.watch({ key: 'playbook.>' });
    this.stopWatch = () => watcher.stop();
    void (async () => {
      for await (const entry of watcher) {
        const id = entry.key.slice('playbook.'.length);
        if (entry.operation !== 'PUT') {
          this.playbooks.delete(id);
          continue;
        }
        const result = this.validate(entry.string(), `omega_playbooks ${entry.key}`);
        if (result.playbook)
          this.playbooks.set(id, { ...result.playbook, version: entry.revision });
        else
          this.logger.error(
            { key: entry.key, diagnostics: result.diagnostics },
            `stored playbook ${id} no longer validates; keeping the last good one`,
          );
      }
    })();
  }

  stop(): void {
    this.stopWatch?.();
  }
}

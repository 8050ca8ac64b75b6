// Operators' own rule directories (the chart's customRules ConfigMap, a rules volume): read at
// start and again whenever a file in them changes. A change with any broken rule is refused as a
// whole, logged and counted with each broken file's line and reason, and the rules loaded before
// keep running. The same check is what the chart's install hook runs (rules-check-main.ts).
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { RuleText } from '@omega/detect';
import type { Counter, Gauge } from 'prom-client';
import type { Logger } from 'pino';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { compileTexts, type LoadedSigmaRule } from './rule-catalog';

/** Rule files read from all directories together; more is refused (a ConfigMap holds ~1 MiB). */
export const MAX_RULE_FILES = 1000;
/** One rule file's largest size. */
export const MAX_RULE_FILE_BYTES = 1024 * 1024;
/**
 * How long a reload waits after the last change it saw: a ConfigMap update renames several
 * entries, and an editor writes a file in more than one step.
 */
export const RELOAD_DELAY_MS = 300;
/**
 * How often the directories are read again without a change reported: the watch can miss changes
 * (a full inotify watch table, a network file system); an unchanged directory is not re-applied.
 */
export const RESCAN_INTERVAL_MS = 60_000;
/** A reason as a metric label is cut to this length. */
const MAX_REASON_LABEL = 200;

/** A rule directory and the label its files are named with (`<label>/<file>`). */
export interface RuleDirectory {
  readonly label: string;
  readonly dir: string;
}

/** Why one file of a rule directory did not load: file, line (0 when unknown), reason. */
export interface RuleFileProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
  /** `file:line:column: rule <id>: reason`, the form the Sigma engine reports. */
  readonly message: string;
}

export interface RuleDirectoriesCheck {
  /** The rules, compiled; run only when there is no problem. */
  readonly loaded: LoadedSigmaRule[];
  readonly problems: RuleFileProblem[];
  /** SHA-256 over every file's name and text: equal digests, equal rules. */
  readonly digest: string;
}

/** `label=dir` or a bare `dir` (labelled by itself), as the validator's arguments give them. */
export function parseRuleDirectory(arg: string): RuleDirectory {
  const eq = arg.indexOf('=');
  return eq > 0 ? { label: arg.slice(0, eq), dir: arg.slice(eq + 1) } : { label: arg, dir: arg };
}

/**
 * Reads every `.yml`/`.yaml` file of the directories (recursively; names starting with a dot left
 * out, as a mounted ConfigMap's version directories) and compiles them together through the rule
 * engine. Unreadable directories, too many or too large files and rejected rules are problems.
 */
export async function checkRuleDirectories(
  dirs: readonly RuleDirectory[],
): Promise<RuleDirectoriesCheck> {
  const problems: RuleFileProblem[] = [];
  const problem = (file: string, reason: string, line = 0, column = 0): void => {
    const where = line > 0 ? `${file}:${line}:${column}` : file;
    problems.push({ file, line, column, reason, message: `${where}: ${reason}` });
  };
  const texts: RuleText[] = [];
  for (const { label, dir } of dirs) {
    let names: string[];
    try {
      names = (await readdir(dir, { recursive: true })).map(String);
    } catch (err) {
      problem(label, `cannot list the rule directory ${dir}: ${errorMessage(err)}`);
      continue;
    }
    const files = names
      .filter((n) => /\.ya?ml$/i.test(n) && !n.split(sep).some((part) => part.startsWith('.')))
      .sort();
    for (const name of files) {
      const file = `${label}/${name.split(sep).join('/')}`;
      if (texts.length >= MAX_RULE_FILES) {
        problem(
          file,
          `more than ${MAX_RULE_FILES} rule files in ${dirs.map((d) => d.label).join(', ')}`,
        );
        break;
      }
      try {
        const { size } = await stat(join(dir, name));
        if (size > MAX_RULE_FILE_BYTES) {
          problem(file, `${size} bytes, over the ${MAX_RULE_FILE_BYTES}-byte limit of a rule file`);
          continue;
        }
        texts.push({ source: file, text: await readFile(join(dir, name), 'utf8') });
      } catch (err) {
        problem(file, `cannot read: ${errorMessage(err)}`);
      }
    }
  }
  const digest = createHash('sha256');
  for (const { source, text } of texts) digest.update(`${source}\u0000${text}\u0000`);
  const compiled = compileTexts(texts);
  for (const d of compiled.diagnostics) {
    // The engine's message starts with where; the reason is the rest (rule id included).
    const where = [`${d.source}:${d.line}:${d.column}: `, `${d.source}: `].find((w) =>
      d.message.startsWith(w),
    );
    problems.push({
      file: d.source,
      line: d.line,
      column: d.column,
      reason: where ? d.message.slice(where.length) : d.message,
      message: d.message,
    });
  }
  return { loaded: compiled.loaded, problems, digest: digest.digest('hex') };
}

export interface CustomRuleDirectoriesOptions {
  readonly dirs: readonly string[];
  /** Receives the directories' rules each time a change loads. */
  readonly apply: (rules: readonly LoadedSigmaRule[]) => void;
  readonly logger: Logger;
  readonly metrics: {
    readonly ruleReloads: Counter<'outcome'>;
    readonly ruleFilesRejected: Gauge<'file' | 'line' | 'reason'>;
  };
  /** Delay between a change and its reload (default RELOAD_DELAY_MS). */
  readonly reloadDelayMs?: number;
  /** Period of the reads made without a change reported (default RESCAN_INTERVAL_MS). */
  readonly rescanIntervalMs?: number;
}

export class CustomRuleDirectories {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private rescan: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private appliedDigest: string | undefined;
  /** The digest of the files the rejection being reported was about. */
  private rejectedDigest: string | undefined;
  private stopped = false;

  private constructor(private readonly options: CustomRuleDirectoriesOptions) {}

  /**
   * Loads the directories (a broken rule at start leaves them out, reported as on a reload) and
   * follows their changes. A directory that does not exist fails the start.
   */
  static async open(options: CustomRuleDirectoriesOptions): Promise<CustomRuleDirectories> {
    const dirs = new CustomRuleDirectories(options);
    try {
      await dirs.follow();
    } catch (err) {
      dirs.stop();
      throw err;
    }
    return dirs;
  }

  /** Watches each directory, loads them, and rescans them periodically. */
  private async follow(): Promise<void> {
    const { options } = this;
    for (const [i, dir] of options.dirs.entries()) {
      const isDirectory = await stat(dir).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!isDirectory) {
        throw new OmegaError(
          Code.FailedPrecondition,
          `intelligence.customRulesDirs[${i}] ${dir}: not a directory (mount the rules volume there, or leave it out)`,
        );
      }
      const watcher = watch(dir, { recursive: true }, () => this.schedule());
      watcher.on('error', (err) =>
        options.logger.error({ err, dir }, `watching rule directory ${dir} stopped`),
      );
      this.watchers.push(watcher);
    }
    await this.reload();
    this.rescan = setInterval(
      () => this.schedule(),
      options.rescanIntervalMs ?? RESCAN_INTERVAL_MS,
    ).unref();
  }

  /**
   * Reads and applies the directories now (after any reload already running). Rejects when the
   * reload failed for another reason than a broken rule (a bug); later reloads still run.
   */
  reload(): Promise<void> {
    const next = this.reloading.then(() => this.reloadNow());
    this.reloading = next.catch(() => undefined);
    return next;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.rescan);
    for (const watcher of this.watchers) watcher.close();
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () =>
        void this.reload().catch((err: unknown) =>
          this.options.logger.error(
            { err },
            `reloading the rule directories failed, the rules loaded before stay: ${errorMessage(err)}`,
          ),
        ),
      this.options.reloadDelayMs ?? RELOAD_DELAY_MS,
    );
  }

  private async reloadNow(): Promise<void> {
    if (this.stopped) return;
    const { dirs, logger, metrics, apply } = this.options;
    const check = await checkRuleDirectories(dirs.map((dir) => ({ label: dir, dir })));
    // Watch events also come for changes that leave every file as it was.
    const rejected = check.problems.length > 0;
    if (rejected && check.digest === this.rejectedDigest) return;
    if (!rejected && check.digest === this.appliedDigest && !this.rejectedDigest) return;
    metrics.ruleFilesRejected.reset();
    if (rejected) {
      this.rejectedDigest = check.digest;
      metrics.ruleReloads.inc({ outcome: 'rejected' });
      for (const p of check.problems) {
        metrics.ruleFilesRejected.set(
          { file: p.file, line: String(p.line), reason: p.reason.slice(0, MAX_REASON_LABEL) },
          1,
        );
        logger.error(
          { file: p.file, line: p.line, column: p.column, reason: p.reason },
          `rule file rejected, the rules loaded before stay: ${p.message}`,
        );
      }
      return;
    }
    this.rejectedDigest = undefined;
    if (check.digest === this.appliedDigest) {
      logger.info({ dirs }, `rule directories back to the rules already loaded`);
      return;
    }
    apply(check.loaded);
    this.appliedDigest = check.digest;
    metrics.ruleReloads.inc({ outcome: 'applied' });
    logger.info(
      { dirs, rules: check.loaded.map((r) => `sigma:${r.compiled.rule.id}`) },
      `loaded ${check.loaded.length} rule(s) from ${dirs.join(', ')}`,
    );
  }
}

// The rules every replica runs: the shipped pack, the operators' rule directories (the chart's
// customRules, hot-reloaded), what operators loaded (LoadRules) and the rules they turned off
// (SetRuleEnabled). The run-time changes live in one key of the `omega_policy` KV bucket,
// `detection.rules`, written with compare-and-set; every replica watches it and swaps in a freshly
// compiled catalog, so a change made through any replica reaches all of them.
import { createHash } from 'node:crypto';
import type { KV } from '@omega/bus';
import {
  AuditEntry,
  AuditEntryKind,
  LoadRulesRequest,
  SetRuleEnabledRequest,
  type AuditRef,
  type IdentityRef,
  type LoadRulesResponse,
  type SetRuleEnabledResponse,
} from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { describeRequester, requesterActor, type Requester } from '@omega/trust-client';
import type { Logger } from 'pino';
import { compileLuaRequest, luaIdsOf, luaSetOf } from './lua/lua-overlay';
import type { LuaRuleEngine, LuaRuleSet } from './lua/lua-rule-set';
import { loadRefusal } from './load-refusal';
import {
  compileOrThrow,
  compileRuleSources,
  RuleCatalog,
  type LoadedSigmaRule,
} from './rule-catalog';
import {
  EMPTY_OVERLAY,
  overlaySourcesOf,
  parseOverlay,
  RULES_KEY,
  sourceOf,
  type RuleOverlay,
} from './rule-overlay';

export { RULES_KEY, type RuleOverlay } from './rule-overlay';

/** Appends an audit entry and returns where it landed; throws when it cannot. */
export type AuditAppend = (entry: AuditEntry, requestId: string) => Promise<AuditRef | undefined>;

export interface RuleRegistryOptions {
  /** The shipped pack, compiled. */
  readonly pack: readonly LoadedSigmaRule[];
  readonly kv: KV;
  readonly logger: Logger;
  /** Logs rule changes; without it changes are not audited (tests, trust-less development). */
  readonly audit?: AuditAppend;
  /**
   * The actor of a change nobody verified asked for: the service's identity (default
   * `{ id: 'intelligence' }`). A requester with a verified certificate is the actor instead.
   */
  readonly self?: () => IdentityRef;
  /** Counts a stored overlay that was skipped because it is malformed. */
  readonly rejected?: { inc(): void };
  readonly now?: () => bigint;
  /** Runs Lua rule scripts; without it Lua sources are refused. */
  readonly lua?: LuaRuleEngine;
}

export class RuleRegistry {
  private current: RuleCatalog;
  private overlay: RuleOverlay = EMPTY_OVERLAY;
  /** The overlay's sources, compiled. */
  private overlayRules: readonly LoadedSigmaRule[] = [];
  /** Rules from the operators' rule directories (custom-rule-directories.ts). */
  private directoryRules: readonly LoadedSigmaRule[] = [];
  private readonly counts = new Map<string, number>();
  private watching: { stop(): void } | undefined;
  private appliedRevision = 0;
  private readonly now: () => bigint;

  private constructor(private readonly options: RuleRegistryOptions) {
    this.now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
    this.current = new RuleCatalog(options.pack, this.now(), { counts: this.counts });
  }

  /** Reads the stored changes, applies them and follows further ones. */
  static async open(options: RuleRegistryOptions): Promise<RuleRegistry> {
    const registry = new RuleRegistry(options);
    const entry = await options.kv.get(RULES_KEY);
    if (entry !== null && entry.operation === 'PUT') registry.apply(entry.value, entry.revision);
    await registry.watch();
    return registry;
  }

  /** The catalog to run now (replaced, never mutated, when rules change). */
  get catalog(): RuleCatalog {
    return this.current;
  }

  stop(): void {
    this.watching?.stop();
    this.current.lua.closeExcept([]);
  }

  /** The Lua engine rule scripts run on (ValidateRules and TestRules compile with it). */
  get lua(): LuaRuleEngine | undefined {
    return this.options.lua;
  }

  /**
   * Swaps in the rules of the operators' rule directories: they run beside the shipped pack,
   * replacing a shipped rule with the same id; rules loaded with LoadRules still win over both.
   */
  setDirectoryRules(rules: readonly LoadedSigmaRule[]): void {
    this.directoryRules = rules;
    this.rebuild();
  }

  /** The shipped pack with the directories' rules (a directory rule replaces a shipped one). */
  private baseRules(): LoadedSigmaRule[] {
    const ids = new Set(this.directoryRules.map((r) => r.compiled.rule.id));
    return [
      ...this.options.pack.filter((r) => !ids.has(r.compiled.rule.id)),
      ...this.directoryRules,
    ];
  }

  /** A fresh catalog from the base rules, the applied overlay and its disabled rules. */
  private rebuild(lua: LuaRuleSet = this.current.lua): void {
    const ids = new Set(this.overlayRules.map((r) => r.compiled.rule.id));
    const base = this.overlay.replacePack
      ? []
      : this.baseRules().filter((r) => !ids.has(r.compiled.rule.id));
    this.current = new RuleCatalog([...base, ...this.overlayRules], this.now(), {
      disabled: new Set(this.overlay.disabled),
      counts: this.counts,
      lua,
    });
  }

  /**
   * LoadRules: validates the sources together with the rules they join; on any error nothing is
   * stored. Otherwise logs the change to the audit log, stores it and applies it here at once.
   */
  async load(request: LoadRulesRequest, requester?: Requester): Promise<LoadRulesResponse> {
    const compiled = compileRuleSources(request.sources);
    const lua = compileLuaRequest(this.options.lua, request.sources);
    const luaIds = lua.ids;
    const failed = (
      diagnostics = [...compiled.diagnostics, ...lua.diagnostics],
    ): LoadRulesResponse => ({
      loaded: false,
      diagnostics,
      loadedRuleIds: [],
      removedRuleIds: [],
    });
    if (!compiled.valid || lua.diagnostics.length > 0) return failed();
    const luaKept = request.replaceAll
      ? 0
      : this.overlay.sources.filter((s) => s.format === 'lua').length;
    const sigmaIds = compiled.loaded.map((r) => `sigma:${r.compiled.rule.id}`);
    const loadedIds = [...sigmaIds, ...luaIds];
    const refusal = loadRefusal({ sigmaIds, luaIds, luaKept });
    if (refusal) return failed([refusal]);
    const sources = overlaySourcesOf(request.sources);
    let removed: string[] = [];
    const audit = await this.update(
      (overlay) => {
        const before = this.effectiveIds(overlay);
        const next: RuleOverlay = request.replaceAll
          ? { sources, replacePack: true, disabled: overlay.disabled }
          : {
              // A loaded rule replaces the earlier source that defined the same id.
              sources: [
                ...overlay.sources.filter(
                  (s) => !this.idsOf([s]).some((id) => loadedIds.includes(id)),
                ),
                ...sources,
              ],
              replacePack: overlay.replacePack,
              disabled: overlay.disabled,
            };
        const after = new Set(this.effectiveIds(next));
        removed = before.filter((id) => !after.has(id));
        return next;
      },
      () =>
        AuditEntry.fromPartial({
          kind: AuditEntryKind.AUDIT_ENTRY_KIND_RULES_LOADED,
          timeNs: this.now(),
          actor: this.actorFor(requester),
          subject: loadedIds.length === 1 ? loadedIds[0]! : `${loadedIds.length} rules`,
          summary: summaryOf(
            `loaded ${sigmaIds.length} Sigma rule(s)${luaIds.length > 0 ? ` and ${luaIds.length} Lua script(s)` : ''}${request.replaceAll ? ', replacing every other rule' : ''}: ${loadedIds.join(', ')}`,
            describeRequester(requester),
          ),
          payloadType: LoadRulesRequest.$type,
          // Sources as digests: several rule files would pass trust's entry limit (MAX_ENTRY_BYTES).
          payload: Buffer.from(
            LoadRulesRequest.encode({
              ...request,
              sources: request.sources.map((source) => ({
                ...source,
                content: `sha256:${createHash('sha256').update(source.content).digest('hex')}`,
              })),
            }).finish(),
          ),
        }),
      request.requestId ? `rules:${request.requestId}` : '',
    );
    return {
      loaded: true,
      diagnostics: compiled.diagnostics,
      loadedRuleIds: loadedIds,
      removedRuleIds: removed,
      ...(audit ? { audit } : {}),
    };
  }

  /** SetRuleEnabled: NotFound for an unknown rule id. */
  async setEnabled(
    request: SetRuleEnabledRequest,
    requester?: Requester,
  ): Promise<SetRuleEnabledResponse> {
    const { ruleId, enabled } = request;
    if (!this.current.has(ruleId)) {
      throw new OmegaError(
        Code.NotFound,
        `SetRuleEnabled: no rule or detector ${JSON.stringify(ruleId)} (ListRules shows the ids)`,
      );
    }
    const audit = await this.update(
      (overlay) => ({
        ...overlay,
        disabled: enabled
          ? overlay.disabled.filter((id) => id !== ruleId)
          : [...new Set([...overlay.disabled, ruleId])],
      }),
      () =>
        AuditEntry.fromPartial({
          kind: AuditEntryKind.AUDIT_ENTRY_KIND_POLICY_CHANGED,
          timeNs: this.now(),
          actor: this.actorFor(requester),
          subject: ruleId,
          summary: summaryOf(
            `${enabled ? 'enabled' : 'disabled'} detection rule ${ruleId}`,
            describeRequester(requester),
          ),
          payloadType: SetRuleEnabledRequest.$type,
          payload: Buffer.from(SetRuleEnabledRequest.encode(request).finish()),
        }),
      request.requestId ? `rule-enabled:${request.requestId}` : '',
    );
    return { rule: this.current.rule(ruleId)!, ...(audit ? { audit } : {}) };
  }

  /**
   * Audits, then writes `change(stored)` over the stored revision (retrying when another replica
   * wrote in between) and applies it here. The entry goes first so that no change takes effect
   * unlogged: an append that fails fails the RPC with nothing stored, and a write that fails after
   * it leaves an entry for a change that did not happen (the caller sees the error and retries
   * with the same request id, which trust answers with the same entry), never the reverse.
   */
  private async update(
    change: (overlay: RuleOverlay) => RuleOverlay,
    auditEntry: () => AuditEntry,
    requestId: string,
  ): Promise<AuditRef | undefined> {
    const { kv, audit } = this.options;
    const ref = audit ? await audit(auditEntry(), requestId) : undefined;
    for (let attempt = 1; ; attempt++) {
      const entry = await kv.get(RULES_KEY);
      const stored = entry !== null && entry.operation === 'PUT' ? entry : undefined;
      const next = change(
        stored ? this.storedOrApplied(stored.value, stored.revision) : EMPTY_OVERLAY,
      );
      const value = JSON.stringify(next);
      try {
        const revision = stored
          ? await kv.update(RULES_KEY, value, stored.revision)
          : await kv.create(RULES_KEY, value);
        this.apply(new TextEncoder().encode(value), revision);
        return ref;
      } catch (err) {
        if (attempt >= 5) {
          throw new OmegaError(
            Code.Aborted,
            `omega_policy ${RULES_KEY}: changed concurrently ${attempt} times, try again: ${errorMessage(err)}`,
            { cause: err },
          );
        }
      }
    }
  }

  private actorFor(requester: Requester | undefined): IdentityRef {
    return requesterActor(requester, this.options.self?.() ?? { id: 'intelligence', keyId: '' });
  }

  /**
   * The stored overlay to change, or, when it is malformed, the one applied here: the new change
   * overwrites the bad value instead of being refused because of it.
   */
  private storedOrApplied(value: Uint8Array, revision: number): RuleOverlay {
    try {
      return parseOverlay(value, revision);
    } catch (err) {
      this.options.logger.warn(
        { err, revision },
        `${errorMessage(err)}; the change is made to the rules applied here (revision ${this.appliedRevision}) and replaces it`,
      );
      return this.overlay;
    }
  }

  /**
   * Compiles the stored overlay and swaps the catalog. A malformed value is skipped (logged and
   * counted) and the rules applied before stay as they were: it neither crashes nor disables them.
   */
  private apply(value: Uint8Array, revision: number): void {
    if (revision <= this.appliedRevision) return;
    try {
      const overlay = parseOverlay(value, revision);
      const loaded = compileOrThrow(
        overlay.sources
          .filter((s) => s.format !== 'lua')
          .map((s) => ({ source: s.name, text: s.content })),
        `omega_policy ${RULES_KEY}`,
      );
      const lua = luaSetOf(
        overlay.sources,
        this.current.lua,
        this.options.lua,
        `omega_policy ${RULES_KEY}`,
      );
      const previous = this.current.lua;
      this.overlay = overlay;
      this.overlayRules = loaded;
      this.rebuild(lua);
      // Scripts carried over keep their state; the others' Lua states are freed.
      previous.closeExcept(lua.scripts);
      this.appliedRevision = revision;
      this.options.logger.info(
        { revision, rules: this.current.sigmaRules.length, disabled: overlay.disabled },
        `rules changed (omega_policy ${RULES_KEY} revision ${revision})`,
      );
    } catch (err) {
      this.options.rejected?.inc();
      this.options.logger.error(
        { err, revision },
        `omega_policy ${RULES_KEY} revision ${revision} not applied, the rules stay as they were: ${errorMessage(err)}`,
      );
    }
  }

  private async watch(): Promise<void> {
    const watcher = await this.options.kv.watch({ key: RULES_KEY });
    this.watching = watcher;
    void (async () => {
      for await (const entry of watcher) {
        if (entry.operation === 'PUT') this.apply(entry.value, entry.revision);
      }
    })().catch((err: unknown) =>
      this.options.logger.error({ err }, `watching omega_policy ${RULES_KEY} stopped`),
    );
  }

  private idsOf(sources: RuleOverlay['sources']): string[] {
    const sigma = compileRuleSources(sources.map((s) => sourceOf(s))).loaded.map(
      (r) => `sigma:${r.compiled.rule.id}`,
    );
    const lua = luaIdsOf(sources, this.current.lua, this.options.lua);
    return [...sigma, ...lua];
  }

  /** Every Sigma rule id the overlay makes run (pack and loaded). */
  private effectiveIds(overlay: RuleOverlay): string[] {
    const loaded = this.idsOf(overlay.sources);
    const pack = overlay.replacePack
      ? []
      : this.baseRules().map((r) => `sigma:${r.compiled.rule.id}`);
    return [...new Set([...pack, ...loaded])];
  }

  /** For tests and diagnostics: what is stored and applied. */
  get applied(): RuleOverlay {
    return this.overlay;
  }
}

/** `what` and who asked, within the 500 characters a summary may hold. */
function summaryOf(what: string, requester: string): string {
  return `${what.slice(0, 500 - requester.length)}${requester}`;
}

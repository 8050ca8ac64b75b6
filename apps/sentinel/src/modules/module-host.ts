// The sentinel's detection modules: loads (ABI check, sandbox start, atomic swap with the running
// version), feeds each running module the events the sentinel publishes through a bounded queue,
// publishes verdicts and faults as "module" telemetry, disables a module after maxFaults faults,
// and counts events, verdicts, faults and time per module.
import { createHash } from 'node:crypto';
import { Code, OmegaError, codeName } from '@omega/runtime';
import {
  ModuleState,
  ModuleVerdict,
  type AuditRef,
  type Event,
  type IdentityRef,
  type ModuleStatus,
} from '@omega/proto';
import type { Logger } from '@omega/runtime';
import { checkModuleAbi } from './module-abi';
import type { ModuleMetrics } from './module-metrics';
import { ModuleFault, ModuleSandbox, type SandboxLimits } from './module-sandbox';
import {
  faultEvent,
  MODULE_EVENT_KIND,
  refusalEvent,
  verdictEvent,
  type ModuleRef,
} from './module-verdicts';

export interface ModuleHostOptions {
  node: string;
  limits: SandboxLimits;
  /** Faults (trap, overrun, crash) after which a module is disabled (FAILED). */
  maxFaults: number;
  /** Events per message to a module's worker. */
  maxBatchEvents?: number;
  /** Events waiting per module; past it new events are dropped for that module and counted. */
  maxQueuedEvents?: number;
  /** Publishes an event (a verdict's or a fault's) as telemetry of `kind`. */
  publish(kind: string, event: Event): void;
  logger: Logger;
  metrics?: ModuleMetrics;
  nowMs?: () => number;
}

/** A module that passed verification, ready to load. */
export interface VerifiedModule {
  name: string;
  version: string;
  wasm: Uint8Array;
  signer?: IdentityRef;
  audit?: AuditRef;
}

export interface ModuleCounters {
  events: number;
  verdicts: number;
  findings: number;
  faults: number;
  dropped: number;
  decodeFailures: number;
  timeNs: number;
}

interface Loaded {
  module: VerifiedModule;
  sha256: Buffer;
  memoryMinPages: number;
  sandbox: ModuleSandbox | undefined;
  state: ModuleState;
  error: string;
  loadTimeNs: bigint;
  queue: Uint8Array[];
  busy: boolean;
  counters: ModuleCounters;
}

export class ModuleHost {
  private readonly modules = new Map<string, Loaded>();
  private readonly maxBatchEvents: number;
  private readonly maxQueuedEvents: number;
  private readonly nowMs: () => number;
  private closed = false;
  /** Modules refused before they ran (verification, ABI, start), by gRPC code name. */
  readonly refused = new Map<string, number>();

  constructor(private readonly options: ModuleHostOptions) {
    this.maxBatchEvents = options.maxBatchEvents ?? 256;
    this.maxQueuedEvents = options.maxQueuedEvents ?? 10_000;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /**
   * Starts `module` and, once it is ready, puts it in place of the running version (which keeps
   * running until then). Throws, leaving the running version as it was, when the module is refused.
   */
  async load(module: VerifiedModule): Promise<ModuleStatus> {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(module.name)) {
      throw new OmegaError(
        Code.InvalidArgument,
        `module name '${module.name.slice(0, 80)}': lower-case letters, digits and '-' only, at most 63`,
      );
    }
    const check = checkModuleAbi(module.wasm, module.name, this.options.limits.memoryMaxPages);
    const sandbox = await ModuleSandbox.start(
      module.name,
      module.wasm,
      check.memoryMinPages,
      this.options.limits,
    );
    if (this.closed) {
      await sandbox.close();
      throw new OmegaError(Code.Unavailable, `module ${module.name}: the sentinel is stopping`);
    }
    const previous = this.modules.get(module.name);
    const loaded: Loaded = {
      module,
      sha256: createHash('sha256').update(module.wasm).digest(),
      memoryMinPages: check.memoryMinPages,
      sandbox,
      state: ModuleState.MODULE_STATE_RUNNING,
      error: '',
      loadTimeNs: BigInt(this.nowMs()) * 1_000_000n,
      queue: [],
      busy: false,
      counters: {
        events: 0,
        verdicts: 0,
        findings: 0,
        faults: 0,
        dropped: 0,
        decodeFailures: 0,
        timeNs: 0,
      },
    };
    this.modules.set(module.name, loaded);
    if (previous?.sandbox) void previous.sandbox.close();
    this.options.logger.info(
      { module: module.name, version: module.version, replaced: previous?.module.version },
      `module ${module.name} ${module.version} running`,
    );
    return this.statusOf(loaded);
  }

  /** Stops a module; undefined when none by that name was loaded. */
  async unload(name: string): Promise<ModuleStatus | undefined> {
    const loaded = this.modules.get(name);
    if (!loaded) return undefined;
    this.modules.delete(name);
    loaded.queue = [];
    loaded.state = ModuleState.MODULE_STATE_UNLOADED;
    await loaded.sandbox?.close();
    loaded.sandbox = undefined;
    return this.statusOf(loaded);
  }

  /**
   * Hands one published event (its Event bytes, copied here) to every running module; never the
   * modules' own events (kind "module"), so no module feeds on verdicts.
   */
  offer(kind: string, eventBytes: Uint8Array): void {
    if (this.modules.size === 0 || kind === MODULE_EVENT_KIND) return;
    let copy: Uint8Array | undefined;
    for (const loaded of this.modules.values()) {
      if (loaded.state !== ModuleState.MODULE_STATE_RUNNING) continue;
      if (loaded.queue.length >= this.maxQueuedEvents) {
        loaded.counters.dropped++;
        this.options.metrics?.dropped.inc({ module: loaded.module.name });
        continue;
      }
      copy ??= Uint8Array.prototype.slice.call(eventBytes);
      loaded.queue.push(copy);
      if (!loaded.busy) this.pump(loaded);
    }
  }

  /** Counts a module refused before it ran and publishes the refusal as a module event. */
  reportRefused(module: ModuleRef, err: OmegaError): void {
    const code = codeName(err.code);
    this.refused.set(code, (this.refused.get(code) ?? 0) + 1);
    this.options.metrics?.refused.inc({ code });
    this.options.logger.warn(
      { module: module.name, version: module.version, code },
      `module refused: ${err.message}`,
    );
    this.options.publish(
      MODULE_EVENT_KIND,
      refusalEvent(module, this.options.node, code, err.message, this.nowMs()),
    );
  }

  status(): ModuleStatus[] {
    return [...this.modules.values()].map((m) => this.statusOf(m));
  }

  counters(name: string): ModuleCounters | undefined {
    const loaded = this.modules.get(name);
    return loaded && { ...loaded.counters };
  }

  /** Resolves when every module's queue is empty and no batch is in flight (for tests, shutdown). */
  async idle(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ([...this.modules.values()].some((m) => m.busy || (m.queue.length > 0 && m.sandbox))) {
      if (Date.now() > until) {
        throw new OmegaError(Code.DeadlineExceeded, `modules not idle within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.modules.keys()].map((name) => this.unload(name)));
  }

  private statusOf(m: Loaded): ModuleStatus {
    return {
      name: m.module.name,
      version: m.module.version,
      sha256: m.sha256,
      state: m.state,
      error: m.error,
      signer: m.module.signer,
      loadTimeNs: m.loadTimeNs,
      eventsTotal: BigInt(m.counters.events),
      alertsTotal: BigInt(m.counters.findings),
      audit: m.module.audit,
      verdictsTotal: BigInt(m.counters.verdicts),
      faultsTotal: BigInt(m.counters.faults),
      eventTimeNsTotal: BigInt(Math.round(m.counters.timeNs)),
    };
  }

  private pump(m: Loaded): void {
    const sandbox = m.sandbox;
    if (m.busy || !sandbox || m.queue.length === 0 || this.modules.get(m.module.name) !== m) {
      return;
    }
    const events = m.queue.splice(0, this.maxBatchEvents);
    let size = 0;
    for (const e of events) size += e.length;
    const bytes = new Uint8Array(size);
    const lengths = new Uint32Array(events.length);
    let at = 0;
    events.forEach((e, i) => {
      bytes.set(e, at);
      at += e.length;
      lengths[i] = e.length;
    });
    m.busy = true;
    sandbox.run({ bytes, lengths }).then(
      (result) => {
        m.busy = false;
        m.counters.events += events.length;
        m.counters.timeNs += result.elapsedNs;
        const metrics = this.options.metrics;
        if (metrics) {
          const module = m.module.name;
          metrics.events.inc({ module }, events.length);
          metrics.eventSeconds.observe({ module }, result.elapsedNs / events.length / 1e9);
        }
        m.counters.decodeFailures += result.decodeFailures;
        for (const line of result.logs) {
          this.options.logger.info({ module: m.module.name }, `module ${m.module.name}: ${line}`);
        }
        for (const { index, verdict } of result.verdicts)
          this.publishVerdict(m, events[index]!, verdict);
        this.pump(m);
      },
      (err: unknown) => {
        m.busy = false;
        const fault =
          err instanceof ModuleFault ? err : new ModuleFault('crash', (err as Error).message);
        void this.faulted(m, sandbox, fault, events.length);
      },
    );
  }

  private publishVerdict(m: Loaded, eventBytes: Uint8Array, verdictBytes: Uint8Array): void {
    let verdict: ModuleVerdict;
    try {
      verdict = ModuleVerdict.decode(verdictBytes);
    } catch (err) {
      m.counters.decodeFailures++;
      this.options.logger.warn(
        { module: m.module.name, err: (err as Error).message },
        `module ${m.module.name}: verdict is not a ModuleVerdict; ignored`,
      );
      return;
    }
    m.counters.verdicts++;
    this.options.metrics?.verdicts.inc({ module: m.module.name });
    if (verdict.finding) m.counters.findings++;
    this.options.publish(
      MODULE_EVENT_KIND,
      verdictEvent(m.module, eventBytes, verdict, this.nowMs()),
    );
  }

  private async faulted(
    m: Loaded,
    sandbox: ModuleSandbox,
    fault: ModuleFault,
    lostEvents: number,
  ): Promise<void> {
    if (this.modules.get(m.module.name) !== m || m.sandbox !== sandbox) return;
    m.counters.faults++;
    m.counters.dropped += lostEvents;
    this.options.metrics?.faults.inc({ module: m.module.name, reason: fault.reason });
    this.options.metrics?.dropped.inc({ module: m.module.name }, lostEvents);
    m.sandbox = undefined;
    const disabled = m.counters.faults >= this.options.maxFaults;
    m.error = `${fault.reason}: ${fault.message}`;
    this.options.logger.warn(
      { module: m.module.name, reason: fault.reason, faults: m.counters.faults, disabled },
      `module ${m.module.name}: ${fault.reason}: ${fault.message}`,
    );
    this.options.publish(
      MODULE_EVENT_KIND,
      faultEvent(
        m.module,
        this.options.node,
        { reason: fault.reason, message: fault.message, faults: m.counters.faults, disabled },
        this.nowMs(),
      ),
    );
    if (disabled) {
      m.state = ModuleState.MODULE_STATE_FAILED;
      m.counters.dropped += m.queue.length;
      m.queue = [];
      return;
    }
    try {
      // a fresh instance: the faulted one's state is gone with it
      m.sandbox = await ModuleSandbox.start(
        m.module.name,
        m.module.wasm,
        m.memoryMinPages,
        this.options.limits,
      );
    } catch (err) {
      m.state = ModuleState.MODULE_STATE_FAILED;
      m.error = `restart failed: ${(err as Error).message}`;
      return;
    }
    if (this.modules.get(m.module.name) !== m || this.closed) {
      await m.sandbox.close();
      return;
    }
    this.pump(m);
  }
}

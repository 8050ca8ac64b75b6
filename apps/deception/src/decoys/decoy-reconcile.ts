// Keeps Kubernetes decoys true to omega_decoys: one pass deletes the objects of decoys removed,
// gone from the bucket or past ttl_seconds, makes again the missing objects of live ones, and marks
// a decoy FAILED (status_message: the Kubernetes error) when that fails, RUNNING again once it
// works. Passes run one at a time on an interval; each call is bounded by the objects' deadline.
import { Decoy, DecoyStatus } from '@omega/proto';
import { errorMessage } from '@omega/runtime';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { KubeDecoys } from './kube-decoys';

export interface DecoyReconcileMetrics {
  readonly passes: Counter<'result'>;
  readonly passSeconds: Histogram;
  readonly objectsCreated: Counter<'kind'>;
  readonly objectsDeleted: Counter<'reason'>;
  readonly decoysFailed: Counter;
}

export function decoyReconcileMetrics(registry: Registry): DecoyReconcileMetrics {
  return {
    passes: new Counter({
      name: 'omega_deception_decoy_reconcile_passes_total',
      help: 'Reconcile passes over the Kubernetes decoys, by result (ok, error)',
      labelNames: ['result'],
      registers: [registry],
    }),
    passSeconds: new Histogram({
      name: 'omega_deception_decoy_reconcile_duration_seconds',
      help: 'Time one reconcile pass over the Kubernetes decoys took',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
      registers: [registry],
    }),
    objectsCreated: new Counter({
      name: 'omega_deception_decoy_objects_recreated_total',
      help: 'Missing objects of live decoys made again, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    objectsDeleted: new Counter({
      name: 'omega_deception_decoy_objects_deleted_total',
      help: 'Decoys whose objects a reconcile pass deleted, by reason (orphan, expired, removed)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    decoysFailed: new Counter({
      name: 'omega_deception_decoy_failures_total',
      help: 'Decoys marked FAILED by a reconcile pass (a Kubernetes call failed)',
      registers: [registry],
    }),
  };
}

/** How a failure found by a reconcile pass starts its status_message (those are tried again). */
export const RECONCILE_FAILURE = 'reconcile: ';

/** What one pass did, by decoy id. */
export interface ReconcileReport {
  readonly orphaned: string[];
  readonly expired: string[];
  readonly recreated: Record<string, string[]>;
  readonly failed: Record<string, string>;
}

export class DecoyReconciler {
  /** Decoys removed whose objects this process has deleted (so each is deleted once per process). */
  readonly #cleaned = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(private readonly decoys: KubeDecoys) {}

  /** Runs a pass now and then every `intervalMs` until stop(). */
  start(intervalMs: number): void {
    const loop = (): void => {
      if (this.#stopped) return;
      this.#running = this.pass()
        .catch(() => undefined)
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(loop, intervalMs).unref();
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One pass; logged and counted, and the error rethrown when the bucket cannot be read. */
  async pass(): Promise<ReconcileReport> {
    const { metrics, logger } = this.decoys.options;
    const end = metrics?.passSeconds.startTimer();
    try {
      const report = await this.#pass();
      metrics?.passes.inc({ result: 'ok' });
      if (
        report.orphaned.length + report.expired.length + Object.keys(report.recreated).length >
        0
      ) {
        logger.info(report, 'decoy reconcile pass changed the cluster');
      }
      return report;
    } catch (err) {
      metrics?.passes.inc({ result: 'error' });
      logger.error({ err }, `decoy reconcile pass failed: ${errorMessage(err)}`);
      throw err;
    } finally {
      end?.();
    }
  }

  async #pass(): Promise<ReconcileReport> {
    const decoys = this.decoys;
    const { objects, metrics } = decoys.options;
    const known = new Map(decoys.decoys);
    const stored = await decoys.restore();
    const report: ReconcileReport = { orphaned: [], expired: [], recreated: {}, failed: {} };

    // Known here but gone from the bucket: nothing says they are decoys any more; delete them.
    for (const [id, decoy] of known) {
      if (stored.has(id)) continue;
      if (decoy.status !== DecoyStatus.DECOY_STATUS_REMOVED || !this.#cleaned.has(id)) {
        try {
          await objects.remove(decoy.spec!.namespace, decoy.spec!.name);
        } catch (err) {
          // Kept in memory: the next pass tries again.
          report.failed[id] = errorMessage(err).slice(0, 512);
          continue;
        }
        metrics?.objectsDeleted.inc({ reason: 'orphan' });
        report.orphaned.push(id);
      }
      await decoys.options.honeypots?.stop(id);
      decoys.decoys.delete(id);
    }

    const nowMs = decoys.clock();
    for (const [id, decoy] of stored) {
      const spec = decoy.spec!;
      if (decoy.status === DecoyStatus.DECOY_STATUS_REMOVED) {
        await decoys.options.honeypots?.stop(id);
        if (this.#cleaned.has(id)) continue;
        try {
          await objects.remove(spec.namespace, spec.name);
          metrics?.objectsDeleted.inc({ reason: 'removed' });
          this.#cleaned.add(id);
        } catch (err) {
          report.failed[id] = errorMessage(err).slice(0, 512);
        }
        continue;
      }
      if (decoy.status === DecoyStatus.DECOY_STATUS_PENDING) continue;
      // A decoy DeployDecoy could not make was refused to its caller: it is not made later.
      if (
        decoy.status === DecoyStatus.DECOY_STATUS_FAILED &&
        !decoy.statusMessage.startsWith(RECONCILE_FAILURE)
      ) {
        continue;
      }
      const expiresMs = Number(decoy.createTimeNs / 1_000_000n) + spec.ttlSeconds * 1000;
      if (spec.ttlSeconds > 0 && nowMs >= expiresMs) {
        try {
          await decoys.remove(id, 'ttl_seconds passed', 'reconcile');
          this.#cleaned.add(id);
          metrics?.objectsDeleted.inc({ reason: 'expired' });
          report.expired.push(id);
        } catch (err) {
          await this.#fail(decoy, err, report);
        }
        continue;
      }
      try {
        await decoys.options.honeypots?.start(decoy);
        const missing = await objects.missing(spec.namespace, spec.name);
        if (missing.length > 0) {
          const made = await objects.create(await decoys.manifestsOf(decoy), missing, true);
          for (const kind of made) metrics?.objectsCreated.inc({ kind });
          report.recreated[id] = made;
        }
        if (decoy.status === DecoyStatus.DECOY_STATUS_FAILED) {
          await decoys.save({
            ...decoy,
            status: DecoyStatus.DECOY_STATUS_RUNNING,
            statusMessage: '',
          });
        }
      } catch (err) {
        await this.#fail(decoy, err, report);
      }
    }
    return report;
  }

  async #fail(decoy: Decoy, err: unknown, report: ReconcileReport): Promise<void> {
    const statusMessage = `${RECONCILE_FAILURE}${errorMessage(err)}`.slice(0, 512);
    report.failed[decoy.id] = statusMessage;
    if (decoy.status === DecoyStatus.DECOY_STATUS_FAILED && decoy.statusMessage === statusMessage)
      return;
    this.decoys.options.metrics?.decoysFailed.inc();
    await this.decoys.save({ ...decoy, status: DecoyStatus.DECOY_STATUS_FAILED, statusMessage });
  }
}

// Feeds every configured output from ALERTS. A durable consumer of its own reads alerts once they
// are durably published, puts each into every output's bounded queue and acknowledges it at once:
// a slow or failing destination fills (and drops from) its own queue and never holds up the
// stream, detection or the other outputs. Replicas share the durable, so each alert is sent once.
import { ack, consume, type Bus, type ConsumerHandle } from '@omega/bus';
import { Alert } from '@omega/proto';
import type { Logger } from '@omega/runtime';
import type { Registry } from 'prom-client';
import { outputMetrics, type OutputMetrics } from './output-metrics';
import { OutputQueue, type AlertSink } from './output-queue';
import type { OutputConfig } from './outputs-config';
import { sinkFor } from './output-sinks';

export const OUTPUTS_DURABLE = 'intelligence-outputs';

export interface AlertOutputsOptions {
  bus: Bus;
  outputs: readonly OutputConfig[];
  /** Alerts older than this when read (a first start over a long history, a long outage) are not sent. */
  maxAlertAgeMs: number;
  registry: Registry;
  logger: Logger;
  /** The sink of an output (default: sinkFor, the real destinations); specs swap in their own. */
  sinkOf?: (output: OutputConfig) => AlertSink;
  /** The clock alert ages are judged by (default Date.now). */
  nowMs?: () => number;
}

export class AlertOutputs {
  readonly queues: readonly OutputQueue[];
  private readonly metrics: OutputMetrics;
  private consumer: ConsumerHandle | undefined;

  constructor(private readonly options: AlertOutputsOptions) {
    this.metrics = outputMetrics(options.registry);
    const sinkOf = options.sinkOf ?? ((output: OutputConfig) => sinkFor(output));
    this.queues = options.outputs.map(
      (output) =>
        new OutputQueue({
          sink: sinkOf(output),
          type: output.type,
          policy: output,
          metrics: this.metrics,
          logger: options.logger,
        }),
    );
  }

  /** Starts the senders and the ALERTS consumer (none when no output is configured). */
  async start(): Promise<void> {
    if (this.queues.length === 0) return;
    for (const queue of this.queues) queue.start();
    const { bus, logger, maxAlertAgeMs } = this.options;
    const nowMs = this.options.nowMs ?? Date.now;
    this.consumer = await consume<Alert>(bus, {
      stream: 'ALERTS',
      durable: OUTPUTS_DURABLE,
      type: Alert,
      logger,
      handler: async (alert) => {
        if (nowMs() - Number(alert.timeNs / 1_000_000n) > maxAlertAgeMs) {
          for (const queue of this.queues) {
            this.metrics.dropped.inc({ output: queue.name, reason: 'stale' });
          }
          return ack();
        }
        for (const queue of this.queues) queue.offer(alert);
        return ack();
      },
    });
    logger.info(
      { outputs: this.options.outputs.map((o) => `${o.name} (${o.type})`) },
      `sending alerts to ${this.queues.length} output(s)`,
    );
  }

  /** Stops reading ALERTS, then gives each output `drainMs` to send what it holds. */
  async stop(drainMs = 5_000): Promise<void> {
    await this.consumer?.stop();
    await Promise.all(this.queues.map((queue) => queue.stop(drainMs)));
  }
}

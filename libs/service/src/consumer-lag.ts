// JetStream consumer lag for every durable consumer the service runs: messages not yet delivered
// (`pending`) and delivered but not yet acknowledged (`unacked`), read from the server at scrape.
import { Gauge, type Registry } from 'prom-client';
import { activeConsumers, type Bus } from '@omega/bus';

export const CONSUMER_LAG_METRIC = 'omega_bus_consumer_pending_messages';

export function registerConsumerLag(registry: Registry, bus: Bus): void {
  new Gauge({
    name: CONSUMER_LAG_METRIC,
    help: "Messages a durable JetStream consumer has not delivered yet (state=pending) or not had acknowledged (state=unacked), from the server's consumer info",
    labelNames: ['stream', 'consumer', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        activeConsumers(bus).map(async ({ stream, durable }) => {
          try {
            const info = await bus.jsm.consumers.info(stream, durable);
            this.set({ stream, consumer: durable, state: 'pending' }, info.num_pending);
            this.set({ stream, consumer: durable, state: 'unacked' }, info.num_ack_pending);
          } catch {
            // Gone or unreachable at this scrape: no sample rather than a stale one.
          }
        }),
      );
    },
  });
}

import { connect } from '@nats-io/transport-node';
import { withNats } from './with-nats';

describe('withNats', () => {
  const nats = withNats();

  it('gives every test in the file a running server', async () => {
    expect(nats.server.running).toBe(true);
    const nc = await connect({ servers: nats.url });
    try {
      expect(nc.info?.jetstream).toBe(true);
    } finally {
      await nc.close();
    }
  });

  it('is the same server across tests of the file', () => {
    expect(nats.url).toBe(nats.server.url);
  });

  const order: string[] = [];
  beforeAll(() => {
    nats.beforeStop(() => void order.push(`first, server running: ${nats.server.running}`));
    nats.beforeStop(() => void order.push(`second, server running: ${nats.server.running}`));
  });
  afterAll(() => {
    // Runs after withNats's own afterAll: the hooks ran last-registered first, before the stop.
    expect(order).toEqual(['second, server running: true', 'first, server running: true']);
    expect(nats.server.running).toBe(false);
  });
});

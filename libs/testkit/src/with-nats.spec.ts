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
});

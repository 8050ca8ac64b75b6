// The engine's nats-server gate names the version it needs.
import { requireWorkflowServer } from './server-requirements';

it('refuses a nats-server older than 2.11 naming the feature and the version to upgrade to', () => {
  expect(() => requireWorkflowServer('2.10.22')).toThrow(
    'workflow engine: reading histories uses batched direct gets, which needs nats-server 2.11.0 or newer, but the server is 2.10.22; upgrade nats-server',
  );
  expect(() => requireWorkflowServer('2.12.15')).not.toThrow();
});

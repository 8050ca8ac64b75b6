// What the engine needs from nats-server, checked once at start so an old server fails with the
// version to upgrade to rather than with the first history read.
import { SERVER_FEATURES, serverSupports, type Bus } from '@omega/bus';
import { Code, OmegaError } from '@omega/errors';

export function requireWorkflowServer(serverVersion: string | undefined): void {
  const version = serverVersion ?? '0.0.0';
  if (serverSupports(version, 'batchDirectGet')) return;
  const { minVersion, what } = SERVER_FEATURES.batchDirectGet;
  throw new OmegaError(
    Code.FailedPrecondition,
    `workflow engine: reading histories uses ${what}, which needs nats-server ${minVersion} or newer, ` +
      `but the server is ${version}; upgrade nats-server`,
  );
}

export function requireWorkflowBus(bus: Bus): void {
  requireWorkflowServer(bus.nc.info?.version);
}

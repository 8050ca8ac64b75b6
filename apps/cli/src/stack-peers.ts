// The addresses a service of a local stack calls other services at: they follow the stack's port
// offset, so two stacks (or a stack and a test run) on one machine each reach their own.
import type { ServiceDefaults } from '@omega/runtime';
import type { ServiceName } from '@omega/service';

/** `OMEGA_*_ADDRESS` variables for `name`: empty for a service that calls no other. */
export function peerAddressEnv(
  name: ServiceName,
  portsOf: (peer: ServiceName) => ServiceDefaults,
): Record<string, string> {
  const at = (peer: ServiceName): string => `127.0.0.1:${portsOf(peer).grpcPort}`;
  if (name === 'orchestrator') {
    return {
      OMEGA_ORCHESTRATOR_DECEPTION_ADDRESS: at('deception'),
      OMEGA_ORCHESTRATOR_TWIN_ADDRESS: at('twin'),
    };
  }
  if (name === 'gateway') {
    // The gateway forwards to every service; the local sentinel is the one without `omega-node`.
    return {
      OMEGA_GATEWAY_TRUST_ADDRESS: at('trust'),
      OMEGA_GATEWAY_INTELLIGENCE_ADDRESS: at('intelligence'),
      OMEGA_GATEWAY_ORCHESTRATOR_ADDRESS: at('orchestrator'),
      OMEGA_GATEWAY_DECEPTION_ADDRESS: at('deception'),
      OMEGA_GATEWAY_TWIN_ADDRESS: at('twin'),
      OMEGA_GATEWAY_SENTINEL_ADDRESS: at('sentinel'),
    };
  }
  return {};
}

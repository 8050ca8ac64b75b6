// LoadModule and UnloadModule: a module is verified (module-verifier.ts) before it is
// instantiated, and a refusal is counted and published as telemetry, never run.
import type {
  LoadModuleRequest,
  LoadModuleResponse,
  UnloadModuleRequest,
  UnloadModuleResponse,
} from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import type { ModuleHost } from './module-host';
import type { ModuleVerifier } from './module-verifier';

export interface ModuleRpcDeps {
  host: ModuleHost;
  verifier: ModuleVerifier;
}

const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/;

export async function loadModule(
  deps: ModuleRpcDeps,
  request: LoadModuleRequest,
): Promise<LoadModuleResponse> {
  if (!VERSION.test(request.version)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `LoadModule: version '${request.version.slice(0, 80)}': 1-64 of letters, digits and . + _ -`,
    );
  }
  if (request.module?.$case !== 'wasm') {
    throw new OmegaError(
      Code.InvalidArgument,
      `LoadModule ${request.name}: module.wasm is required (object_name: push with \`omega modules push\` and the omega_modules watch loads it)`,
    );
  }
  try {
    const verified = await deps.verifier.verify({
      name: request.name,
      version: request.version,
      wasm: request.module.value,
      sha256: request.sha256,
      attestation: request.loggedAttestation,
    });
    return { module: await deps.host.load(verified) };
  } catch (err) {
    deps.host.reportRefused(
      { name: request.name, version: request.version },
      err instanceof OmegaError ? err : new OmegaError(Code.Internal, errorMessage(err)),
    );
    throw err;
  }
}

export async function unloadModule(
  deps: ModuleRpcDeps,
  request: UnloadModuleRequest,
): Promise<UnloadModuleResponse> {
  const module = await deps.host.unload(request.name);
  if (!module) {
    throw new OmegaError(
      Code.NotFound,
      `UnloadModule: no module ${request.name.slice(0, 80)} is loaded`,
    );
  }
  return { module };
}

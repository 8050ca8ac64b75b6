// Runs what the `omega_policy` bucket's `module.<name>` entries (ModuleDeployment) say should run
// on this node: the bytes come from the omega_modules object store and are verified (digest,
// signature, audit-log inclusion) before they are loaded; an entry removed, or whose selector no
// longer matches, unloads the module. Every failure is refused, counted and published.
import { POLICY_MODULES_FILTER, type Bus } from '@omega/bus';
import { ModuleDeployment } from '@omega/proto';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import { MAX_MODULE_BYTES } from './module-abi';
import type { ModuleRpcDeps } from './module-rpcs';

export interface ModuleDeploymentWatchOptions {
  bus: Bus;
  node: string;
  /** This node's labels; `kubernetes.io/hostname` is the node name when not given. */
  nodeLabels?: Record<string, string>;
  modules: ModuleRpcDeps;
  logger: Logger;
}

export interface ModuleDeploymentWatch {
  stop(): void;
}

/** Whether a deployment's selector (every label must match; none: every node) picks this node. */
export function selectsNode(
  selector: Record<string, string>,
  labels: Record<string, string>,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export async function watchModuleDeployments(
  options: ModuleDeploymentWatchOptions,
): Promise<ModuleDeploymentWatch> {
  const { bus, modules, logger } = options;
  const labels = { 'kubernetes.io/hostname': options.node, ...options.nodeLabels };
  const kv = await bus.kv('omega_policy');
  const watcher = await kv.watch({ key: POLICY_MODULES_FILTER });
  /** Module name → the deployment key that loaded it. */
  const ours = new Map<string, string>();

  const refuse = (name: string, version: string, err: unknown): void =>
    modules.host.reportRefused(
      { name, version },
      err instanceof OmegaError ? err : new OmegaError(Code.Internal, errorMessage(err)),
    );

  const unload = async (key: string, why: string): Promise<void> => {
    for (const [name, k] of ours) {
      if (k !== key) continue;
      ours.delete(name);
      await modules.host.unload(name);
      logger.info({ module: name, key }, `module ${name} unloaded (${why})`);
    }
  };

  const deploy = async (key: string, value: Uint8Array): Promise<void> => {
    let d: ModuleDeployment;
    try {
      d = ModuleDeployment.decode(value);
    } catch (err) {
      refuse(
        key.slice('module.'.length),
        '',
        new OmegaError(
          Code.InvalidArgument,
          `omega_policy ${key}: not a ModuleDeployment: ${errorMessage(err)}`,
        ),
      );
      return;
    }
    if (key !== `module.${d.name}`) {
      refuse(
        d.name,
        d.version,
        new OmegaError(
          Code.InvalidArgument,
          `omega_policy ${key}: names module '${d.name.slice(0, 80)}'`,
        ),
      );
      return;
    }
    if (!selectsNode(d.nodeSelector, labels))
      return unload(key, 'its selector no longer picks this node');
    try {
      // opened per deployment: a sentinel with no deployments never needs the store to exist
      const store = await bus.objectStore('omega_modules');
      const info = await store.info(d.objectName);
      if (!info) {
        throw new OmegaError(
          Code.NotFound,
          `module ${d.name} ${d.version}: no object ${d.objectName} in omega_modules`,
        );
      }
      if (info.size > MAX_MODULE_BYTES) {
        throw new OmegaError(
          Code.InvalidArgument,
          `module ${d.name} ${d.version}: object ${d.objectName} is ${info.size} bytes, over ${MAX_MODULE_BYTES}`,
        );
      }
      const wasm = await store.getBlob(d.objectName);
      if (!wasm)
        throw new OmegaError(
          Code.NotFound,
          `module ${d.name} ${d.version}: object ${d.objectName} vanished`,
        );
      const verified = await modules.verifier.verify({
        name: d.name,
        version: d.version,
        wasm,
        sha256: d.sha256,
        attestation: d.attestation,
      });
      await modules.host.load(verified);
      ours.set(d.name, key);
    } catch (err) {
      refuse(d.name, d.version, err);
    }
  };

  void (async () => {
    for await (const entry of watcher) {
      try {
        if (entry.operation !== 'PUT') await unload(entry.key, 'removed from omega_policy');
        else await deploy(entry.key, entry.value);
      } catch (err) {
        logger.error(
          { err, key: entry.key },
          `module deployment ${entry.key}: ${errorMessage(err)}`,
        );
      }
    }
  })();
  return { stop: () => watcher.stop() };
}

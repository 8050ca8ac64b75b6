// `omega modules push`: a signed module's bytes to the omega_modules object store and its
// ModuleDeployment to omega_policy `module.<name>`, as the operator; every sentinel the selector
// picks verifies and loads it (apps/sentinel/src/modules/module-deployment-watch.ts).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { policyModuleKey, type Bus } from '@omega/bus';
import { ModuleAttestation, ModuleDeployment } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';

/** Next to the module: its attestation and the audit bundle, as ModuleAttestation JSON. */
export const MODULE_ATTESTATION_SUFFIX = '.omega-module';

export interface NamedModule {
  name: string;
  version: string;
}

/** Parses repeated `--selector key=value` into a node selector. */
export function parseSelector(pairs: readonly string[]): Record<string, string> {
  const selector: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new OmegaError(Code.InvalidArgument, `--selector '${pair}': expected key=value`);
    }
    selector[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return selector;
}

/** Puts the module and its deployment; returns the object name. */
export async function pushModule(
  bus: Bus,
  file: string,
  module: NamedModule,
  nodeSelector: Record<string, string>,
): Promise<string> {
  let wasm: Buffer;
  let attestation: ModuleAttestation;
  try {
    wasm = await readFile(file);
    const text = await readFile(`${file}${MODULE_ATTESTATION_SUFFIX}`, 'utf8');
    attestation = ModuleAttestation.fromJSON(JSON.parse(text));
  } catch (err) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `modules push ${file}: ${errorMessage(err)} (sign it first: omega modules sign)`,
      { cause: err },
    );
  }
  const sha256 = createHash('sha256').update(wasm).digest();
  // one object per version and digest: never replaced, so nothing is ever purged
  const objectName = `${module.name}/${module.version}/${sha256.toString('hex')}`;
  const store = await bus.objectStore('omega_modules');
  if (!(await store.info(objectName))) await store.putBlob({ name: objectName }, wasm);
  const deployment = ModuleDeployment.fromPartial({
    name: module.name,
    version: module.version,
    sha256,
    objectName,
    attestation,
    nodeSelector,
  });
  const kv = await bus.kv('omega_policy');
  await kv.put(policyModuleKey(module.name), ModuleDeployment.encode(deployment).finish());
  return objectName;
}

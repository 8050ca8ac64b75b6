// Removing what a honeytoken planted (its Kubernetes Secret, or its file and the file's watch),
// for a revocation and for the expiry sweep alike: the record goes only once this is done.
import { HoneytokenKind } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import type { FilePlanter } from './file-planter';
import type { HoneytokenRecord } from './honeytoken-record';
import type { SecretPlanter } from './secret-planter';

export async function removePlanted(
  { honeytoken: token, planted }: HoneytokenRecord,
  planters: { readonly planter?: SecretPlanter; readonly filePlanter?: FilePlanter },
  method: string,
): Promise<void> {
  if (planted !== true) return;
  if (token.kind === HoneytokenKind.HONEYTOKEN_KIND_FILE) {
    if (planters.filePlanter === undefined) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `${method}: honeytoken ${token.id} was planted as file ${token.name}, which this replica cannot remove (deception.files.plantRoots is empty)`,
      );
    }
    await planters.filePlanter.remove(token.id, token.name);
    return;
  }
  if (planters.planter === undefined) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${method}: honeytoken ${token.id} was planted as Secret ${token.namespace}/${token.name}, which this replica cannot remove (deception.kubernetes.plant is off)`,
    );
  }
  await planters.planter.remove(token);
}

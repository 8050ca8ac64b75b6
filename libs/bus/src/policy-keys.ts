// The keys of the `omega_policy` KV bucket's source blocks: the orchestrator's block_ip and the
// sentinel's BlockSource write them, every sentinel's policy watch applies them, so the format
// lives here once.
import { Code, OmegaError } from '@omega/runtime';
import { subjectToken } from './subjects';

/** The scope of a block on every node; a node name scopes a block to that node alone. */
export const POLICY_ALL_NODES = 'all';

const BLOCK_PREFIX = 'block.';

/**
 * The KV key of a block: `block.<scope>.<cidr>` with ':' (not allowed in KV keys) written as '_';
 * the value's `cidr` is what counts, the key only has to be unique per scope and CIDR.
 */
export function policyBlockKey(scope: string, cidr: string): string {
  return `${BLOCK_PREFIX}${subjectToken(scope, 'policy scope')}.${cidr.replace(/:/g, '_')}`;
}

/** The watch filter matching every block of one scope: `block.<scope>.>`. */
export function policyBlockFilter(scope: string): string {
  return `${BLOCK_PREFIX}${subjectToken(scope, 'policy scope')}.>`;
}

/** The scope and CIDR a block key names (the inverse of policyBlockKey). */
export function parsePolicyBlockKey(key: string): { scope: string; cidr: string } {
  const scopeEnd = key.indexOf('.', BLOCK_PREFIX.length);
  if (
    !key.startsWith(BLOCK_PREFIX) ||
    scopeEnd <= BLOCK_PREFIX.length ||
    scopeEnd === key.length - 1
  ) {
    throw new OmegaError(
      Code.InvalidArgument,
      `omega_policy key ${JSON.stringify(key)} is not a block key (block.<scope>.<cidr>)`,
    );
  }
  return {
    scope: key.slice(BLOCK_PREFIX.length, scopeEnd),
    cidr: key.slice(scopeEnd + 1).replace(/_/g, ':'),
  };
}

/** Watch filter of the module deployments (`ModuleDeployment`s, which modules run where). */
export const POLICY_MODULES_FILTER = 'module.>';

/** The `omega_policy` key of a module's deployment: `module.<name>`. */
export function policyModuleKey(name: string): string {
  return `module.${subjectToken(name, 'module name')}`;
}

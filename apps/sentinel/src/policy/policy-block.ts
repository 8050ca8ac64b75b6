// Reads one block entry of the `omega_policy` bucket as the policy watch applies it: a SourceBlock
// whose CIDR is canonical and is the one its key names. Anything else is refused with the key and
// the reason, so the watch skips it instead of blocking what the key does not say.
import { parsePolicyBlockKey } from '@omega/bus';
import { SourceBlock } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { canonicalCidr } from './cidr';

export function decodePolicyBlock(key: string, revision: number, value: Uint8Array): SourceBlock {
  const where = `omega_policy ${key} (revision ${revision})`;
  const { cidr: keyCidr } = parsePolicyBlockKey(key);
  let block: SourceBlock;
  try {
    block = SourceBlock.decode(value);
  } catch (err) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${where}: not a SourceBlock (${value.length} bytes): ${errorMessage(err)}`,
      { cause: err },
    );
  }
  const { cidr } = canonicalCidr(block.cidr, `${where}: cidr`);
  if (cidr !== block.cidr || cidr !== keyCidr) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${where}: cidr ${JSON.stringify(block.cidr)} is not the key's ${keyCidr}`,
    );
  }
  return block;
}

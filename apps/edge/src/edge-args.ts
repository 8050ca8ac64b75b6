// omega-edge's command line before parseArgs reads it.

/**
 * Public identities and keys are base64url and may start with '-', which parseArgs would take for
 * an option: the word after --peer or --nucleus-key is always that option's value.
 */
export function identityArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if ((arg === '--peer' || arg === '--nucleus-key') && i + 1 < args.length) {
      out.push(`${arg}=${args[++i]!}`);
    } else {
      out.push(arg);
    }
  }
  return out;
}

// Placeholder replaced below.
export async function runReplayCommand(_args: string[]): Promise<number> {
  return 2;
}

// Polls until a probe yields a value: for specs that wait on real servers, never on timings.

/**
 * `probe()` every `everyMs` until it returns something other than undefined, then that value;
 * throws naming `what` after `withinMs`.
 */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  withinMs = 10_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

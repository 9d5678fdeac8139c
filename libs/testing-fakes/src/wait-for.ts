/** Not there yet: `waitFor` keeps polling while the probe returns one of these (or throws). */
export type NotYet = undefined | null | false;

/**
 * The one poll for tests: calls `probe` every `everyMs` until it returns a truthy value (a throw counts
 * as "not yet"), and returns that value; after `timeoutMs` fails naming `what` and the last error.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | NotYet | Promise<T | NotYet>,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

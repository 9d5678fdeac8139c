import { TrackerRequestError } from './errors';

/** A configured source of tickets whose keys are `<keyPrefix>-<number>` (a GitHub repo, a GitLab project). */
export interface PrefixedSource {
  keyPrefix: string;
}

/** The source and number of a key like `API-12`, or null when no configured prefix matches. */
export function parsePrefixedKey<S extends PrefixedSource>(
  key: string,
  sources: S[],
): { source: S; number: number } | null {
  const m = /^(.+)-(\d+)$/.exec(key);
  const source = m ? sources.find((s) => s.keyPrefix === m[1]) : undefined;
  return source && m ? { source, number: Number(m[2]) } : null;
}

/** parsePrefixedKey, or the tracker's request error naming the prefixes it knows. */
export function mustParsePrefixedKey<S extends PrefixedSource>(
  tracker: string,
  key: string,
  sources: S[],
): { source: S; number: number } {
  const ref = parsePrefixedKey(key, sources);
  if (!ref)
    throw new TrackerRequestError(
      tracker,
      `finding ${key}`,
      `the key matches none of the configured prefixes (${sources.map((s) => s.keyPrefix).join(', ')})`,
    );
  return ref;
}

import { stem } from './stem';
import { STOP_WORDS } from './stop-words';
import { conceptOf } from './synonyms';

/**
 * The terms a lesson or a ticket is indexed by, code-aware: identifiers are split where code splits
 * them (`parseConfig` → parse, config; `parse_config` → parse, config; `src/config/x.ts` → src, config,
 * x, ts) and kept whole as well, so an exact identifier still counts more than its parts; error codes
 * (`TS2339`, `ERESOLVE`, `EACCES`, exit code `137`) stay one term; words are lower-cased, stop words
 * dropped, suffixes stemmed (`failing`, `failed`, `fails` → fail), and a word of a known family of
 * failure vocabulary (`deadline` / `timed out` / `hang` → timeout) adds its family's term too.
 */
export function codeTerms(text: string): string[] {
  const out: string[] = [];
  // Two-word phrases that are one idea: "timed out" is a timeout, whatever "out" does elsewhere.
  const phrased = text.replace(/\btim(?:e|ed|es|ing)[ -]out\b/gi, 'timeout').replace(/\bout of memory\b/gi, 'oom');
  for (const raw of phrased.match(/[\p{L}\p{N}_$]+/gu) ?? []) {
    const parts = splitIdentifier(raw);
    if (parts.length > 1) addWord(out, raw.toLowerCase().replace(/_/g, ''), true);
    for (const p of parts) addWord(out, p.toLowerCase(), false);
  }
  return out;
}

function addWord(out: string[], word: string, whole: boolean): void {
  if (word.length < 2 || STOP_WORDS.has(word)) return;
  // Short numbers (line numbers, counts) say nothing; a 3+ digit code (137, 5432, 404) does.
  if (/^\d+$/.test(word) && word.length < 3) return;
  const term = whole || isCode(word) ? word : stem(word);
  out.push(term);
  const concept = conceptOf(term);
  if (concept && concept !== term) out.push(concept);
}

/** Error codes and the like: letters and digits mixed (`ts2339`, `e404`) or all digits. */
function isCode(word: string): boolean {
  return /\d/.test(word);
}

/** `parseConfig` → [parse, Config]; `HTTPServer2` → [HTTP, Server2]; `parse_config` → [parse, config]. */
export function splitIdentifier(word: string): string[] {
  return word
    .split(/_+|\$/)
    .flatMap((w) => w.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/))
    .filter(Boolean);
}

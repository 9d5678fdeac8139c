/**
 * What memory may keep from a session: derived text only. A learning names its tickets by key and a
 * short title; its failure signature is the agent's decisive output lines, each once, with every line
 * that repeats the tickets' own text left out; its fix is the agent's final message and the diffstat,
 * capped. A ticket's body or comments never reach another ticket's prompt through memory: a hostile
 * body that the agent echoed is dropped here, before the outcome leaves the runner.
 */

/** A title is cut past this many characters. */
export const MAX_LEARNING_TITLE_CHARS = 80;
/** The failure signature and the fix are cut past these. */
export const MAX_SIGNATURE_CHARS = 600;
export const MAX_FIX_CHARS = 300;
const MAX_SIGNATURE_LINES = 8;
/** A run of this many words shared with the ticket's text marks a line as an echo of the ticket. */
const ECHO_WORDS = 6;

/** The tickets a learning is about: `KEY: short title` each, never a description or a comment. */
export function learningSubject(tickets: Array<{ key: string; title: string }>): string {
  return tickets.map((t) => `${t.key}: ${clip(oneLine(t.title), MAX_LEARNING_TITLE_CHARS)}`).join('; ');
}

/** Normalised ticket text (titles, bodies, comments) to test lines against; kept by the runner, never sent. */
export function ticketEcho(texts: string[]): string {
  return normalise(texts.join('\n'));
}

const SPEAKER_LABEL = /^\s*agent:\s*/i;

/**
 * The decisive lines of a failure: the classifier's reason and the last lines of the agent's output,
 * blank and repeated lines removed, lines that echo the ticket removed, the last few kept, capped.
 */

export function failureSignature(reason: string, lastLines: string, echo: string): string {
  // Lines may come joined already (a runner sends its own signature, ' | ' between lines): each counts alone.
  const kept = [reason, ...lastLines.split(/\n| \| /)]
    // The readable transcript labels the agent's own words ("agent: …"): the label is no part of what was said.
    .map((line) => ({ line: oneLine(line), key: normalise(line.replace(SPEAKER_LABEL, '')) }))
    .filter(({ key }) => key && !echoes(key, echo));
  // A line said again, or already said inside another line (the reason quotes the result), counts once.
  const lines = kept
    .filter(({ key }, i) => kept.findIndex((o) => o.key === key) === i)
    .filter(({ key }) => !kept.some((o) => o.key !== key && o.key.includes(key)))
    .map(({ line }) => line)
    .slice(-MAX_SIGNATURE_LINES);
  return clipTail(lines.join(' | '), MAX_SIGNATURE_CHARS);
}

/** Two signatures of the same failure compare equal here whatever their timings, counts and ids. */
export function signatureKey(signature: string): string {
  return normalise(signature).replace(/\b[0-9a-f]*\d[0-9a-f]*\b/g, '#');
}

/** A success's fix: the agent's final message (echoes of the ticket removed) and what changed, capped. */
export function fixSummary(finalMessage: string | undefined, diffstat: string | undefined, echo: string): string {
  const message = (finalMessage ?? '')
    .split('\n')
    .map(oneLine)
    .filter((line) => line && !echoes(normalise(line), echo))
    .join(' ');
  const changed = diffstat ? oneLine(diffstat.split('\n').at(-1) ?? '') : '';
  return clip([message, changed && `(${changed})`].filter(Boolean).join(' '), MAX_FIX_CHARS);
}

function echoes(line: string, echo: string): boolean {
  if (!echo) return false;
  const words = line.split(' ');
  if (words.length < ECHO_WORDS) return line.length >= 16 && echo.includes(line);
  for (let i = 0; i + ECHO_WORDS <= words.length; i++) {
    if (echo.includes(words.slice(i, i + ECHO_WORDS).join(' '))) return true;
  }
  return false;
}

function normalise(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function clipTail(s: string, max: number): string {
  return s.length > max ? `…${s.slice(-(max - 1))}` : s;
}

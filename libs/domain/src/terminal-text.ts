/*
 * Ticket text is untrusted: a title can carry ANSI/OSC escape sequences that repaint an operator's
 * terminal, hide text or (OSC 52) write to their clipboard, and newlines that break a one-line
 * commit subject. One home for making such text safe, for the terminal and for one-line fields.
 */

/** C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators and bidi overrides. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
/** Whole escape sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and other two-byte escapes. */
const ESCAPE_SEQUENCE =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]|\u009d[^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function visible(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return NAMED[ch] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`);
}

/**
 * Text to print on a terminal: every control character shown as a visible escape (`\e[31m`, `\x07`,
 * `\n`), so a reader sees that it is there but the terminal never acts on it. With `keepNewlines`,
 * line breaks and tabs stay (for a multi-line body).
 */
export function escapeForTerminal(text: string, opts: { keepNewlines?: boolean } = {}): string {
  return text.replace(CONTROL, (ch) => (opts.keepNewlines && (ch === '\n' || ch === '\t') ? ch : visible(ch)));
}

/**
 * One line of at most `maxChars` characters for a PR title or commit subject: escape sequences
 * removed whole, other control characters and line breaks turned into spaces, runs of spaces
 * collapsed, an ellipsis where it was cut.
 */
export function singleLine(text: string, maxChars: number): string {
  const flat = text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, ' ').replace(/\s+/gu, ' ').trim();
  const chars = [...flat];
  return chars.length <= maxChars
    ? flat
    : `${chars
        .slice(0, Math.max(0, maxChars - 1))
        .join('')
        .trimEnd()}…`;
}

/** Multi-line text (a commit body, a PR summary) without escape sequences or control characters other than newline and tab. */
export function withoutControls(text: string): string {
  return text
    .replace(ESCAPE_SEQUENCE, '')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, (ch) => (ch === '\n' || ch === '\t' ? ch : ''));
}

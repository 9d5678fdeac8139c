/** Markup that is already safe: built by `html` (its values escaped) or by the console's own code. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML that shows it and does nothing else (ticket titles, reasons, transcripts are the agent's or a human's). */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map((v) => render(v as Value)).join('');
  return escapeHtml(value);
}

/** The only way the console writes markup: every interpolated value is escaped unless it is Html already. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return new Html(out);
}

/** `1234.5` → `$1234.50`; costs read the same everywhere in the console. */
export const usd = (n: number): string => `$${n.toFixed(2)}`;

/** Seconds → `42 s`, `7 min`, `3 h`. */
export function ageText(sec: number): string {
  if (sec < 120) return `${Math.round(sec)} s`;
  if (sec < 7200) return `${Math.round(sec / 60)} min`;
  return `${Math.round(sec / 3600)} h`;
}

/** A link target only when it is http(s): a `javascript:` URL from a tracker or forge must not become a link. */
export const isWebUrl = (url: string): boolean => /^https?:\/\//i.test(url);

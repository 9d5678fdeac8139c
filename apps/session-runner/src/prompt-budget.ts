/**
 * The prompt budget. Tokens are estimated, not counted: 1 token per 3 bytes of UTF-8. Measured here
 * with @anthropic-ai/tokenizer 0.0.4 (Claude 2's vocabulary, the only one published), logs and code
 * came to 3.2–3.8 bytes per token, so the estimate errs on the side of a shorter prompt; the
 * tokenizer itself took ~4 s per MB on this machine and does not match current models, so it is
 * not used at run time.
 */
export const BYTES_PER_TOKEN = 3;

/** The share of the room left after the fixed text that each kind of part may take before it is cut. */
export const PART_SHARES = {
  description: 0.4,
  comments: 0.25,
  rules: 0.25,
  learnings: 0.1,
  /** A follow-up's review feedback and a repair round's check output: as much as a description. */
  review: 0.4,
  repair: 0.4,
} as const;
export type PartKind = keyof typeof PART_SHARES;

/** A title longer than this is cut (titles are otherwise kept whole). */
export const MAX_TITLE_BYTES = 1024;

export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text) / BYTES_PER_TOKEN);
}

/** One thing cut to fit, as recorded on the run. */
export interface PromptCut {
  part: PartKind | 'title';
  /** Ticket key or rules file name. */
  of: string;
  keptBytes: number;
  cutBytes: number;
}

/**
 * Splits `room` bytes between claimants by share: each gets what it needs up to its share, and what
 * the modest ones leave is handed to the others in proportion to their shares (water-filling).
 */
export function allocate(room: number, claims: Array<{ need: number; share: number }>): number[] {
  const grant = claims.map(() => 0);
  let left = Math.max(0, room);
  let open = claims.map((c, i) => i).filter((i) => claims[i]!.need > 0 && claims[i]!.share > 0);
  while (left > 0 && open.length > 0) {
    const shares = open.reduce((sum, i) => sum + claims[i]!.share, 0);
    let given = 0;
    for (const i of open) {
      const offer = Math.floor((left * claims[i]!.share) / shares);
      const take = Math.min(offer, claims[i]!.need - grant[i]!);
      grant[i] = grant[i]! + take;
      given += take;
    }
    left -= given;
    open = open.filter((i) => grant[i]! < claims[i]!.need);
    if (given === 0) break;
  }
  return grant;
}

/** The first `bytes` bytes of `text`, never splitting a UTF-8 sequence. */
export function headBytes(text: string, bytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= bytes) return text;
  let end = Math.max(0, bytes);
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--; // back off a continuation byte
  return buf.subarray(0, end).toString('utf8');
}

/** The marker a cut leaves in the prompt, so the agent knows text is missing and where to read it. */
export function truncationMarker(cutBytes: number, where: string): string {
  return `…truncated ${Math.max(1, Math.ceil(cutBytes / 1024))} KB; full text ${where}`;
}

/**
 * `text` cut to at most `bytes` (marker included) when it is longer, else whole. Returns the cut
 * text and how many bytes were left out (0 when whole).
 */
export function fitText(text: string, bytes: number, where: string): { text: string; cutBytes: number } {
  const size = Buffer.byteLength(text);
  if (size <= bytes) return { text, cutBytes: 0 };
  const markerRoom = Buffer.byteLength(truncationMarker(size, where)) + 1;
  // A share smaller than the marker leaves the part out: a marker written anyway would overrun the budget.
  if (bytes < markerRoom) return { text: '', cutBytes: size };
  const kept = headBytes(text, Math.max(0, bytes - markerRoom));
  const cutBytes = size - Buffer.byteLength(kept);
  const marker = truncationMarker(cutBytes, where);
  return { text: kept ? `${kept}\n${marker}` : marker, cutBytes };
}

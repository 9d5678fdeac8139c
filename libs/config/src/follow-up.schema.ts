import { z } from 'zod';

/** `followUp`: sessions on an open PR after review feedback or failed CI (applied by libs/wiring's follow-up policy). */
export const followUpSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Follow-up rounds per ticket; after them a new comment gets one note, no session. */
    maxRounds: z.number().int().min(0).default(3),
    /** Wait until the PR has been quiet this long, so a review of several comments becomes one follow-up. */
    debounceSec: z.number().nonnegative().default(120),
    /** Bytes of a failed CI check's log tail put in the prompt. */
    maxLogBytes: z.number().int().min(200).default(4000),
  })
  .strict();

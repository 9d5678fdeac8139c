import type { Outcome } from '@nightshift/domain';

/**
 * Stable markers of failures that are not the task's fault, keyed on error types, HTTP statuses and the reset
 * clause rather than whole sentences (the CLI's wording changes between versions).
 */
export interface ErrorSignature {
  outcome: Extract<Outcome, 'rate_limited' | 'auth_failed' | 'infra_error' | 'task_failed'>;
  label: string;
  pattern: RegExp;
}

/**
 * Checked in order: the first match wins (a 429 that also mentions /login is still a rate limit). Claude Code's,
 * Codex's, Gemini CLI's and OpenCode's messages, from their sources and issue trackers (see the fixtures' headers).
 */
export const ERROR_SIGNATURES: readonly ErrorSignature[] = [
  // Billing quota (API keys): no reset comes; the account waits for a human like a failed login. Before the 429s.
  {
    outcome: 'auth_failed',
    label: 'quota exhausted (billing)',
    pattern: /\binsufficient_quota\b|Quota exceeded\. Check your plan and billing details/i,
  },
  { outcome: 'rate_limited', label: 'usage limit reached', pattern: /\busage_limit_reached\b/ },
  { outcome: 'rate_limited', label: 'usage limit reached', pattern: /usage limit reached/i },
  { outcome: 'rate_limited', label: 'usage limit reached', pattern: /\bhit your (?:usage |session |weekly )?limit\b/i },
  { outcome: 'rate_limited', label: 'API rate limit', pattern: /\brate_limit_error\b/ },
  { outcome: 'rate_limited', label: 'API rate limit (429)', pattern: /\b(?:API Error|status|HTTP)\b[\s:=]*429\b/i },
  {
    outcome: 'rate_limited',
    label: 'quota exhausted for now',
    pattern: /exhausted your (?:capacity|daily quota)|\bRESOURCE_EXHAUSTED\b|\bTerminalQuotaError\b/,
  },
  { outcome: 'rate_limited', label: 'API rate limit (429)', pattern: /"statusCode"\s*:\s*429\b/ },
  {
    outcome: 'task_failed',
    label: 'context too long',
    pattern:
      /ran out of room in the model's context window|\bcontext_length_exceeded\b|exceeds the maximum number of tokens allowed|\bprompt is too long\b|\bContextOverflowError\b/i,
  },
  { outcome: 'task_failed', label: 'turn limit reached', pattern: /\bFatalTurnLimitedError\b/ },
  { outcome: 'auth_failed', label: 'authentication failed', pattern: /\bauthentication_error\b/ },
  {
    outcome: 'auth_failed',
    label: 'authentication failed (401)',
    pattern: /\b(?:API Error|status|HTTP)\b[\s:=]*401\b/i,
  },
  { outcome: 'auth_failed', label: 'invalid API key', pattern: /invalid api key|API key not valid/i },
  {
    outcome: 'auth_failed',
    label: 'login required',
    pattern:
      /\bFatalAuthenticationError\b|\bProviderAuthError\b|refresh token has expired|Please set an Auth method|"statusCode"\s*:\s*401\b/,
  },
  { outcome: 'auth_failed', label: 'login required', pattern: /please run \/login/i },
  { outcome: 'auth_failed', label: 'OAuth token expired', pattern: /oauth token (?:has )?expired/i },
  {
    outcome: 'auth_failed',
    label: 'permission denied by the API (403)',
    pattern: /\bpermission_error\b|\b(?:API Error|status|HTTP)\b[\s:=]*403\b/i,
  },
  {
    outcome: 'infra_error',
    label: 'API overloaded',
    pattern:
      /\boverloaded_error\b|\b(?:API Error|status|HTTP)\b[\s:=]*529\b|experiencing high demand|model is overloaded|"statusCode"\s*:\s*(?:503|529)\b/i,
  },
  { outcome: 'infra_error', label: 'input refused by the CLI', pattern: /\bFatalInputError\b/ },
  {
    outcome: 'infra_error',
    label: 'API server error',
    pattern: /\bapi_error\b|\b(?:API Error|status|HTTP)\b[\s:=]*5\d\d\b/i,
  },
  {
    outcome: 'infra_error',
    label: 'API unreachable',
    pattern:
      /API Error:?\s*(?:Connection error|Request timed out)|\b(?:ECONNRESET|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN)\b/i,
  },
];

/** Warnings the CLI prints while it goes on working: never a failure by themselves. */
const WARNINGS = /approaching (?:your )?usage limit/i;

/** The non-empty lines of a text, minus the CLI's warnings. */
export function linesWithoutWarnings(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() && !WARNINGS.test(line));
}

/** The first signature found in the text, with the line it appeared on. */
export function findErrorSignature(text: string): { signature: ErrorSignature; line: string } | null {
  const lines = linesWithoutWarnings(text);
  for (const signature of ERROR_SIGNATURES) {
    const line = lines.find((l) => signature.pattern.test(l));
    if (line !== undefined) return { signature, line };
  }
  return null;
}

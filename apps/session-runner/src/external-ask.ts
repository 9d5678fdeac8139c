const ASKS_HUMAN =
  /\b(you|please|someone|an? (admin|operator|human))\b[^.]{0,80}\b(change|update|set|configure|modify|rotate|enable|disable|add)\b/i;
const OUTSIDE =
  /\b(config(uration)?|settings?|environment variables?|env vars?|dashboard|console|dns|secrets?|credentials?|infrastructure|deployment|server|vercel|aws|gcp|cloudflare|heroku|outside (this|the) repo(sitory)?)\b/i;

/**
 * True when the agent's final message asks a human to change something outside the repository
 * (the "change your external config" answer that once hid a real bug in code). Such a run produced
 * no code evidence, so it goes to a human with the message quoted.
 */
export function asksForExternalChange(finalMessage: string | undefined): boolean {
  if (!finalMessage) return false;
  return ASKS_HUMAN.test(finalMessage) && OUTSIDE.test(finalMessage);
}

/** What a redacted value is replaced by, everywhere: logs, errors, events, comments, git output. */
export const REDACTED = '[redacted]';

// Env var names that mark their value as a secret, whatever the config says.
const SECRET_ENV_NAME = /(TOKEN|SECRET|PASSWORD|API_?KEY|PRIVATE_KEY|WEBHOOK_URL|CREDENTIAL)/i;
// Env var names the loaded config points at as secrets (`tokenEnv: MY_LINEAR`), declared at boot.
const declaredSecretEnvNames = new Set<string>();

/**
 * Marks env var names as secret for this process (the config's `tokenEnv`, `secretEnv`, ...), so
 * their values are redacted even when the name does not look like a secret.
 */
export function declareSecretEnvNames(names: Iterable<string>): void {
  for (const name of names) if (name) declaredSecretEnvNames.add(name);
}

/** Values of secret env vars (by name shape or declared); at least 6 chars, to avoid redacting noise. */
export function secretValuesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  // Names first, values only of the secret ones: reading every value of process.env is a native call each.
  const values: string[] = [];
  for (const key of Object.keys(env)) {
    if (!SECRET_ENV_NAME.test(key) && !declaredSecretEnvNames.has(key)) continue;
    const value = env[key];
    if (typeof value === 'string' && value.length >= 6) values.push(value);
  }
  return values;
}

/** Pattern → replacement, applied in order after the known secret values. A backslash ends a match: log lines are JSON, and `\"` must stay whole. */
const RULES: ReadonlyArray<readonly [RegExp, string | ((match: string, ...groups: string[]) => string)]> = [
  // `scheme://user:pass@host`, `scheme://TOKEN@host`, `scheme://:pass@host`: the userinfo goes.
  [/([a-z][a-z0-9+.-]*:\/\/)[^/@\s'"\\]*@/gi, '$1***@'],
  // GitHub's git user outside a URL (`x-access-token:ghs_…@`).
  [/\bx-access-token:[^@\s'"\\]+@/gi, 'x-access-token:***@'],
  // `Authorization: Bearer …`, `Authorization: token …`, `Authorization: Basic …`, any header form.
  [
    /\b(authorization["']?\s*[:=]\s*["']?)(?:(bearer|token|basic)\s+)?[^\s"',}\\]+/gi,
    (_m, header: string, scheme?: string) => `${header}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  ],
  [/\b(bearer)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`],
  // `token=…`, `api_key=…` in query strings and command lines.
  [/\b(api[_-]?key|access_token|token)=[^\s&'"\\]+/gi, `$1=${REDACTED}`],
  // Known token shapes: GitHub (classic, fine-grained, app), Linear, Anthropic and OpenAI-style, Slack.
  [/\bgh[pousr]_[A-Za-z0-9]{8,}/g, REDACTED],
  [/\bgithub_pat_[A-Za-z0-9_]{8,}/g, REDACTED],
  [/\blin_(?:api|oauth)_[A-Za-z0-9]{8,}/g, REDACTED],
  [/\bsk-(?:ant-)?[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{8,}/g, REDACTED],
];

/**
 * The one redactor: replaces every known secret value (default: the secret env vars), URL
 * credentials, authorization headers and known token shapes. Used on anything that leaves the
 * process as text: log lines, errors, events, ticket comments, PR bodies, git output.
 */
export function redactSecrets(text: string, secrets: readonly string[] = secretValuesFromEnv()): string {
  // Longest first, so a secret that contains another is not half-replaced.
  let out = [...secrets]
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length)
    .reduce((acc, s) => acc.split(s).join(REDACTED), text);
  for (const [pattern, replacement] of RULES)
    out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
  return out;
}

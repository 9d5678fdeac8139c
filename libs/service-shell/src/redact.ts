const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|API_?KEY|PRIVATE_KEY|WEBHOOK_URL|CREDENTIAL)/i;

/** Values of environment variables whose names mark them as secrets (at least 6 chars, to avoid redacting noise). */
export function secretValuesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([key, value]) => SECRET_NAME.test(key) && typeof value === 'string' && value.length >= 6)
    .map(([, value]) => value as string);
}

/**
 * Replaces every known secret value and every `user:password@` in URLs by a marker. Used on anything
 * that leaves the process as text: log lines, ticket comments, PR bodies, error messages.
 */
export function redactSecrets(text: string, secrets: string[] = secretValuesFromEnv()): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s:]*:[^/@\s]+@/gi, '$1***@');
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}

import { type NightshiftConfig, redisUrlPassword, resolveRedisUrl, secretEnvNames } from '@nightshift/config';
import { secretValuesFromEnv } from '@nightshift/domain';

/**
 * Every secret value the director holds, for the pre-push scan: the env vars the config names as secrets
 * (tracker, forge, webhooks, Slack, operator API, Qdrant, account keys), those whose name says secret, and
 * the password of the Redis URL in use.
 */
export function directorSecretValues(config: NightshiftConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const values = new Set(secretValuesFromEnv(env));
  for (const name of secretEnvNames(config)) {
    const value = env[name];
    if (value) values.add(value);
  }
  // One parser for every Redis URL form (a Sentinel URL lists several hosts, which `new URL` refuses).
  const password = redisUrlPassword(resolveRedisUrl(config, env));
  if (password) values.add(password);
  return [...values];
}

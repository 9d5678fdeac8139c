// `tokenEnv`, `secretEnv`, `apiTokenEnv`, `qdrantApiKeyEnv`, `slackWebhookEnv`: settings naming where a secret lives.
const SECRET_SETTING = /(token|secret|key|password|webhook|credential)env$/i;

/**
 * Names of the env vars the config says hold secrets (`tracker.linear.tokenEnv: MY_LINEAR` → `MY_LINEAR`),
 * found anywhere in the config, so their values are redacted whatever the variable is called.
 */
export function secretEnvNames(config: object): string[] {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (SECRET_SETTING.test(key) && typeof inner === 'string' && inner) names.add(inner);
        else walk(inner);
      }
    }
  };
  walk(config);
  return [...names];
}

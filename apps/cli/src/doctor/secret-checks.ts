import type { NightshiftConfig } from '@nightshift/config';

import { type CheckResult, fail, pass } from './doctor-check';

/**
 * Every secret the config names is in the environment: the tracker's and the forge's tokens (built through the
 * same adapter factories the services use, so a missing one fails here exactly as it would fail them) and the
 * webhook signing secret.
 */
export async function checkSecrets(config: NightshiftConfig, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const { createForge, createTracker, MissingSecretError } =
    require('@nightshift/adapter-factories') as typeof import('@nightshift/adapter-factories');
  const named: string[] = [];
  const missing: string[] = [];
  const attempt = (build: () => unknown) => {
    try {
      build();
    } catch (err) {
      if (!(err instanceof MissingSecretError)) throw err;
      missing.push(err.envName);
    }
  };
  const tracker = config.tracker;
  if (tracker.kind !== 'local') named.push(tracker.tokenEnv);
  if (config.forge.kind !== 'local') named.push(config.forge.tokenEnv);
  attempt(() => createTracker(config, env));
  attempt(() => createForge(config, env));
  if (tracker.kind !== 'local' && tracker.webhook) {
    named.push(tracker.webhook.secretEnv);
    if (!env[tracker.webhook.secretEnv]?.trim()) missing.push(tracker.webhook.secretEnv);
  }
  const unique = [...new Set(missing)];
  if (unique.length > 0)
    return fail(
      'secrets',
      `${unique.join(', ')} ${unique.length === 1 ? 'is' : 'are'} not set (named in ${config.file})`,
      `export ${unique.join(' and ')} in the environment that starts Nightshift`,
    );
  return pass(
    'secrets',
    named.length ? `${[...new Set(named)].join(', ')} set` : 'none needed (local tracker and forge)',
  );
}

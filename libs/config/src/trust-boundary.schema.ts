import { z } from 'zod';

import { envName } from './schema-primitives';
import { secretEnvNames } from './secret-env-names';

/* What the agent may see (`agent.env`, `repos[].agentEnv`) and what a change may carry before it is pushed (`repos[].secretScan`, `repos[].protectedPaths`). */

/** Variables given to the agent on top of its allowlist: by name from the director's environment, or by value. */
export const agentEnvSchema = z
  .object({
    /** Names passed from the director's environment when set there (never a variable the config marks as a secret). */
    pass: z.array(envName).default([]),
    /** Names set to these literal values. */
    set: z.record(envName, z.string()).default({}),
  })
  .strict();

const glob = z.string().min(1);

/** Findings of the pre-push secret scan a repo accepts: files matching `paths` (globs), for the listed rule ids (all shape rules when empty). */
const secretScanAllowSchema = z
  .object({
    paths: z.array(glob).min(1),
    rules: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const secretScanSchema = z
  .object({
    /** Test fixtures and the like: a token shape found here is not a finding. A director secret's exact value always is. */
    allow: z.array(secretScanAllowSchema).default([]),
  })
  .strict();

export const protectedPathsSchema = z
  .object({
    /** false: a change touching agent settings, CI workflows or check scripts is pushed like any other. */
    enforce: z.boolean().default(true),
    /** Globs of protected files this repo lets the agent change anyway. */
    allow: z.array(glob).default([]),
  })
  .strict();

/** `repos[].*` trust-boundary settings. */
export const repoTrustFields = {
  agentEnv: agentEnvSchema.default({ pass: [], set: {} }),
  secretScan: secretScanSchema.default({ allow: [] }),
  protectedPaths: protectedPathsSchema.default({ enforce: true, allow: [] }),
};

// Director settings that give the agent the director's reach, and the default token names of the tracker and
// forge sections a config may not have switched on (yet): refused whatever the config says.
const DIRECTOR_ONLY_ENV = ['REDIS_URL', 'NIGHTSHIFT_CONFIG', 'GITHUB_TOKEN', 'LINEAR_API_KEY'];

interface PassLists {
  agent: { env: { pass: string[] } };
  repos: Array<{ agentEnv: { pass: string[] } }>;
}

/** A pass list naming a secret the config marks elsewhere (`tokenEnv`, `secretEnv`, …) or a director-only setting is a config error. */
export function refuseSecretPassNames(config: PassLists & object, ctx: z.RefinementCtx): void {
  const secret = new Set([...secretEnvNames(config), ...DIRECTOR_ONLY_ENV]);
  const check = (names: string[], at: (string | number)[]) =>
    names.forEach((n, i) => {
      if (secret.has(n))
        ctx.addIssue({
          code: 'custom',
          path: [...at, i],
          message: `${n} holds a director secret or setting (the config names it elsewhere): it is never passed to the agent`,
        });
    });
  check(config.agent.env.pass, ['agent', 'env', 'pass']);
  config.repos.forEach((repo, r) => check(repo.agentEnv.pass, ['repos', r, 'agentEnv', 'pass']));
}

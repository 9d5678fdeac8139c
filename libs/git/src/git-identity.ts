import { execFile } from 'node:child_process';
import * as os from 'node:os';

/** The identity Nightshift commits under when the machine has none configured. */
export const FALLBACK_IDENTITY = { name: 'Nightshift', email: 'nightshift@localhost' } as const;

// Config files that decide whether an identity is configured; the probe result is cached per combination
// so a test (or a caller) pointing HOME elsewhere gets its own answer.
const CONFIG_ENV_KEYS = ['HOME', 'XDG_CONFIG_HOME', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM', 'GIT_CONFIG_NOSYSTEM'];
const probes = new Map<string, Promise<{ name: boolean; email: boolean }>>();

/**
 * The env vars that give git the Nightshift identity, only for the parts (name, email) that neither the
 * environment nor the global/system git config already provide. GIT_AUTHOR_* env vars beat git config, so
 * setting them unconditionally would silently override an operator's configured bot identity.
 * Repo-local `user.*` config is not probed (one probe per process, not per repo).
 */
export async function identityFallbackEnv(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const needName = !env.GIT_AUTHOR_NAME || !env.GIT_COMMITTER_NAME;
  const needEmail = !env.GIT_AUTHOR_EMAIL || !env.GIT_COMMITTER_EMAIL;
  if (!needName && !needEmail) return {};
  const configured = await probeConfiguredIdentity(env);
  const out: Record<string, string> = {};
  if (!configured.name) {
    if (!env.GIT_AUTHOR_NAME) out.GIT_AUTHOR_NAME = FALLBACK_IDENTITY.name;
    if (!env.GIT_COMMITTER_NAME) out.GIT_COMMITTER_NAME = FALLBACK_IDENTITY.name;
  }
  if (!configured.email) {
    if (!env.GIT_AUTHOR_EMAIL) out.GIT_AUTHOR_EMAIL = FALLBACK_IDENTITY.email;
    if (!env.GIT_COMMITTER_EMAIL) out.GIT_COMMITTER_EMAIL = FALLBACK_IDENTITY.email;
  }
  return out;
}

function probeConfiguredIdentity(env: NodeJS.ProcessEnv): Promise<{ name: boolean; email: boolean }> {
  const key = CONFIG_ENV_KEYS.map((k) => env[k] ?? '').join('\0');
  let probe = probes.get(key);
  if (!probe) {
    probe = new Promise((resolve) => {
      // Run outside any repository so only global and system config answer. Exit 1 = nothing configured.
      execFile(
        'git',
        ['config', '--get-regexp', '^user\\.(name|email)$'],
        { cwd: os.tmpdir(), env: { ...env, GIT_DIR: undefined, GIT_TERMINAL_PROMPT: '0' }, timeout: 10_000 },
        (_error, stdout) => {
          const lines = String(stdout ?? '').split('\n');
          resolve({
            name: lines.some((l) => /^user\.name \S/.test(l)),
            email: lines.some((l) => /^user\.email \S/.test(l)),
          });
        },
      );
    });
    probes.set(key, probe);
  }
  return probe;
}

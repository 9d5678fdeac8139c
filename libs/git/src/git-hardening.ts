/**
 * The one policy for what configuration Nightshift's git runs under. An agent can write files in its worktree
 * (and, outside the sandbox, anywhere its uid can): any git config key that names a command is a way to make
 * the director run that command with its own environment (tokens included). So every git call:
 * - reads no system config and, as its global config, only Nightshift's own file (empty by default), never
 *   the user's `~/.gitconfig`;
 * - overrides on its command line (which beats every config file, the repo's included) each key that makes
 *   git start a program;
 * - inherits no GIT_* variable that would change which repository, config or program git uses.
 * What is left (the mirror's own config, which selects filters and diff drivers by attribute) is checked
 * against what Nightshift writes before each commit and push: see mirror-integrity.ts.
 */

/**
 * Hooks are looked up under `/dev/null/<name>`, which can never exist: no hook runs, and unlike an empty
 * directory nobody (the agent included) can ever put one there.
 */
export const NO_HOOKS_PATH = '/dev/null';

/** Nightshift's own global git config: empty. A caller may name another file through RunGitOptions.env. */
export const NIGHTSHIFT_GLOBAL_CONFIG = '/dev/null';

// Each pair names a key whose value git runs (or that makes git run something) and the value that runs nothing.
const NEUTRAL_CONFIG: ReadonlyArray<readonly [string, string]> = [
  ['core.hooksPath', NO_HOOKS_PATH], // every hook: post-checkout, pre-commit, prepare-commit-msg, post-commit, pre-push, reference-transaction…
  ['core.fsmonitor', 'false'], // a command run by every index refresh (add, status, commit)
  ['core.sshCommand', 'ssh'], // GIT_SSH_COMMAND, when the operator sets one, still wins over this
  ['core.askPass', ''], // no password program; prompts are off anyway (GIT_TERMINAL_PROMPT=0)
  ['core.pager', 'cat'],
  ['core.editor', 'true'],
  ['sequence.editor', 'true'],
  ['credential.helper', ''], // an empty value clears every helper configured before it
  ['diff.external', ''],
  ['protocol.ext.allow', 'never'], // `ext::<command>` remotes, e.g. through a planted url.*.insteadOf
  ['commit.gpgSign', 'false'], // gpg.program would run
  ['tag.gpgSign', 'false'],
  ['push.gpgSign', 'false'],
  ['push.recurseSubmodules', 'no'],
  ['submodule.recurse', 'false'], // submodule.<name>.update=!cmd
  ['gc.auto', '0'], // no background gc or maintenance spawned by our commands
  ['maintenance.auto', 'false'],
];

/** `-c key=value` arguments that go before the subcommand of every git call. */
export function neutralConfigArgs(): string[] {
  return NEUTRAL_CONFIG.flatMap(([key, value]) => ['-c', `${key}=${value}`]);
}

// Inherited GIT_* variables git is allowed to see: identity and how ssh authenticates (the operator's choice).
// Anything else (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_CONFIG_*, GIT_EXTERNAL_DIFF, GIT_EXEC_PATH…) would
// change what repository, config or program git uses, so it is dropped.
const INHERITED_GIT_VARS = new Set([
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_SSH_VARIANT',
]);

/** The environment git runs in, before the caller's own `env` (which wins: it is Nightshift's code). */
export function hardenedGitEnv(inherited: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(inherited)) {
    if (value === undefined) continue;
    if (key.startsWith('GIT_') && !INHERITED_GIT_VARS.has(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: NIGHTSHIFT_GLOBAL_CONFIG,
    GIT_ATTR_NOSYSTEM: '1',
    GIT_PAGER: 'cat',
  };
}

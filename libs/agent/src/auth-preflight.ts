import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { AGENT_CREDENTIAL_ENV, AGENT_DEFAULT_COMMAND, type AgentKind } from './agent-kind';

/** The parts of an agent account this needs (config's `agent.accounts[]`). */
export interface AgentAccount {
  name: string;
  configDir?: string;
  /** The CLI the account belongs to; default the settings' kind. */
  agent?: AgentKind;
}

/** The parts of the agent config this needs (config's `agent`). */
export interface AuthCheckSettings {
  /** Which CLI: each has its own check (default claude-code). */
  kind?: AgentKind;
  command: string;
  /** Binaries of the other CLIs, for accounts that belong to them (config's `agent.commands`). */
  commands?: Partial<Record<AgentKind, string>>;
  authCheck: { command?: string[]; cacheSec: number; enabled: boolean };
}

export interface AuthVerdict {
  ok: boolean;
  reason: string;
}

/** Environment for launching the agent as `account`: its own credential directory, bind-mounted, never copied. */
export function accountEnv(account: AgentAccount, kind: AgentKind = 'claude-code'): Record<string, string> {
  return account.configDir ? { [AGENT_CREDENTIAL_ENV[kind].configDir]: account.configDir } : {};
}

/**
 * Pre-flight auth per account, cached for `authCheck.cacheSec`: the CLI's own `auth status` (its JSON
 * `loggedIn` wins over the exit code, which CLIs also use for unrelated errors), then the OAuth
 * credential file's expiry where it is readable and no refresh token can renew it.
 */
export class AuthPreflight {
  private readonly cache = new Map<string, { at: number; verdict: AuthVerdict }>();
  private readonly inFlight = new Map<string, Promise<AuthVerdict>>();

  constructor(private readonly agent: AuthCheckSettings) {}

  async check(account: AgentAccount, now = Date.now()): Promise<AuthVerdict> {
    if (!this.agent.authCheck.enabled) return { ok: true, reason: 'auth check disabled' };
    const cached = this.cache.get(account.name);
    if (cached && now - cached.at < this.agent.authCheck.cacheSec * 1000) return cached.verdict;
    // Sessions starting together share one check instead of spawning one each.
    let pending = this.inFlight.get(account.name);
    if (!pending) {
      pending = (async () =>
        (await this.credentialFileVerdict(account, now)) ?? (await this.commandVerdict(account)))();
      this.inFlight.set(account.name, pending);
    }
    try {
      const verdict = await pending;
      this.cache.set(account.name, { at: now, verdict });
      return verdict;
    } finally {
      this.inFlight.delete(account.name);
    }
  }

  /** Forget a cached verdict (after a session failed on auth, the next launch must re-check). */
  invalidate(account: string): void {
    this.cache.delete(account);
  }

  private commandVerdict(account: AgentAccount): Promise<AuthVerdict> {
    const kind = this.kindOf(account);
    const own = kind === (this.agent.kind ?? 'claude-code');
    if (kind === 'gemini-cli' && !(own && this.agent.authCheck.command)) return Promise.resolve(geminiVerdict(account));
    const binary = own ? this.agent.command : (this.agent.commands?.[kind] ?? AGENT_DEFAULT_COMMAND[kind]);
    const [command, ...args] = (own ? this.agent.authCheck.command : undefined) ?? [binary, ...STATUS_ARGS[kind]];
    return new Promise((resolve) => {
      const env = { ...process.env, ...accountEnv(account, kind) };
      execFile(command!, args, { env, timeout: 15_000 }, (err, stdout) => {
        const loggedIn = kind === 'opencode' ? openCodeLoggedIn(stdout) : parseLoggedIn(stdout);
        if (loggedIn === true) return resolve({ ok: true, reason: 'logged in' });
        if (loggedIn === false)
          return resolve({
            ok: false,
            reason: `account ${account.name} is not logged in: ${LOGIN_HINT[kind](binary)}, as the user that runs Nightshift`,
          });
        if (!err) return resolve({ ok: true, reason: 'auth status exited 0' });
        const code = (err as NodeJS.ErrnoException).code;
        resolve({
          ok: false,
          reason: `auth check \`${[command, ...args].join(' ')}\` failed for account ${account.name} (${code ?? err.message.split('\n')[0]})`,
        });
      });
    });
  }

  private kindOf(account: AgentAccount): AgentKind {
    return account.agent ?? this.agent.kind ?? 'claude-code';
  }

  private async credentialFileVerdict(account: AgentAccount, now: number): Promise<AuthVerdict | null> {
    if (this.kindOf(account) !== 'claude-code') return null;
    const dir = account.configDir ?? path.join(os.homedir(), '.claude');
    try {
      const creds = JSON.parse(await readFile(path.join(dir, '.credentials.json'), 'utf8')) as {
        claudeAiOauth?: { expiresAt?: number; refreshToken?: string };
      };
      const oauth = creds.claudeAiOauth;
      if (oauth?.expiresAt && oauth.expiresAt < now && !oauth.refreshToken) {
        return {
          ok: false,
          reason: `account ${account.name}: OAuth credentials expired at ${new Date(oauth.expiresAt).toISOString()} and cannot be refreshed; log in again`,
        };
      }
    } catch {
      // unreadable or absent (API-key accounts): the CLI's own check decides
    }
    return null;
  }
}

function parseLoggedIn(stdout: string): boolean | null {
  try {
    const parsed = JSON.parse(stdout.trim()) as { loggedIn?: unknown };
    return typeof parsed.loggedIn === 'boolean' ? parsed.loggedIn : null;
  } catch {
    return null;
  }
}

/** Each CLI's own login check: Claude Code's JSON `auth status`, `codex login status` (exit 0 when logged in), `opencode auth list`. */
const STATUS_ARGS: Readonly<Record<AgentKind, string[]>> = {
  'claude-code': ['auth', 'status'],
  codex: ['login', 'status'],
  'gemini-cli': [],
  opencode: ['auth', 'list'],
};

const LOGIN_HINT: Readonly<Record<AgentKind, (command: string) => string>> = {
  'claude-code': (c) => `run \`${c}\` and /login`,
  codex: (c) => `run \`${c} login\``,
  'gemini-cli': (c) => `run \`${c}\` and sign in, or set GEMINI_API_KEY`,
  opencode: (c) => `run \`${c} auth login\``,
};

/** `opencode auth list` ends with `N credentials`: none means nothing to log in with. */
function openCodeLoggedIn(stdout: string): boolean | null {
  const count = /(\d+)\s+credentials?/i.exec(stdout);
  return count ? Number(count[1]) > 0 : null;
}

/**
 * Gemini CLI has no status command: an API key in the environment, Vertex/Code Assist selected, or its cached
 * OAuth credentials (`<GEMINI_CLI_HOME or ~>/.gemini/oauth_creds.json`) count as logged in.
 */
function geminiVerdict(account: AgentAccount): AuthVerdict {
  const vars = ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_GENAI_USE_GCA'];
  const set = vars.find((name) => process.env[name]);
  if (set) return { ok: true, reason: `${set} is set` };
  const file = path.join(account.configDir ?? os.homedir(), '.gemini', 'oauth_creds.json');
  if (existsSync(file)) return { ok: true, reason: `cached OAuth credentials in ${file}` };
  return {
    ok: false,
    reason: `account ${account.name} has no Gemini credentials (no ${vars.join('/')} and no ${file}): ${LOGIN_HINT['gemini-cli']('gemini')}`,
  };
}

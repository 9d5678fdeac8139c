import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The parts of an agent account this needs (config's `agent.accounts[]`). */
export interface AgentAccount {
  name: string;
  configDir?: string;
}

/** The parts of the agent config this needs (config's `agent`). */
export interface AuthCheckSettings {
  command: string;
  authCheck: { command?: string[]; cacheSec: number; enabled: boolean };
}

export interface AuthVerdict {
  ok: boolean;
  reason: string;
}

/** Environment for launching the agent as `account`: its own credential directory, bind-mounted, never copied. */
export function accountEnv(account: AgentAccount): Record<string, string> {
  return account.configDir ? { CLAUDE_CONFIG_DIR: account.configDir } : {};
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
      pending = (async () => (await this.credentialFileVerdict(account, now)) ?? (await this.commandVerdict(account)))();
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
    const [command, ...args] = this.agent.authCheck.command ?? [this.agent.command, 'auth', 'status'];
    return new Promise((resolve) => {
      execFile(command!, args, { env: { ...process.env, ...accountEnv(account) }, timeout: 15_000 }, (err, stdout) => {
        const loggedIn = parseLoggedIn(stdout);
        if (loggedIn === true) return resolve({ ok: true, reason: 'logged in' });
        if (loggedIn === false) return resolve({ ok: false, reason: `account ${account.name} is not logged in: run \`${this.agent.command}\` and /login as the user that runs Nightshift` });
        if (!err) return resolve({ ok: true, reason: 'auth status exited 0' });
        const code = (err as NodeJS.ErrnoException).code;
        resolve({ ok: false, reason: `auth check \`${[command, ...args].join(' ')}\` failed for account ${account.name} (${code ?? err.message.split('\n')[0]})` });
      });
    });
  }

  private async credentialFileVerdict(account: AgentAccount, now: number): Promise<AuthVerdict | null> {
    const dir = account.configDir ?? path.join(os.homedir(), '.claude');
    try {
      const creds = JSON.parse(await readFile(path.join(dir, '.credentials.json'), 'utf8')) as { claudeAiOauth?: { expiresAt?: number; refreshToken?: string } };
      const oauth = creds.claudeAiOauth;
      if (oauth?.expiresAt && oauth.expiresAt < now && !oauth.refreshToken) {
        return { ok: false, reason: `account ${account.name}: OAuth credentials expired at ${new Date(oauth.expiresAt).toISOString()} and cannot be refreshed; log in again` };
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

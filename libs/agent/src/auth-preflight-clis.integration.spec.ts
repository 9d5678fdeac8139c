import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { accountEnv, AuthPreflight } from './auth-preflight';

const TOOLS = resolve(__dirname, '../../../tools/fake-agents');
const check = { cacheSec: 0, enabled: true };
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('auth pre-flight per CLI', () => {
  it('codex: `codex login status` (exit 0 logged in, 1 not)', async () => {
    const auth = new AuthPreflight({ kind: 'codex', command: join(TOOLS, 'fake-codex.js'), authCheck: check });
    expect(await auth.check({ name: 'oa' })).toEqual({ ok: true, reason: 'auth status exited 0' });
    process.env['FAKE_CODEX_LOGGED_OUT'] = '1';
    const out = await auth.check({ name: 'oa' });
    expect(out.ok).toBe(false);
    expect(out.reason).toMatch(/failed for account oa/);
  });

  it('opencode: `opencode auth list` with no credentials is not logged in', async () => {
    const auth = new AuthPreflight({ kind: 'opencode', command: join(TOOLS, 'fake-opencode.js'), authCheck: check });
    expect((await auth.check({ name: 'oc' })).ok).toBe(true);
    process.env['FAKE_OPENCODE_LOGGED_OUT'] = '1';
    expect(await auth.check({ name: 'oc' })).toEqual({
      ok: false,
      reason: expect.stringMatching(/account oc is not logged in: run `.*fake-opencode.js auth login`/),
    });
  });

  it('gemini-cli: no status command, so an API key variable or its cached OAuth file', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ns-gemini-'));
    try {
      for (const name of ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_GENAI_USE_GCA'])
        delete process.env[name];
      const auth = new AuthPreflight({ kind: 'gemini-cli', command: 'gemini', authCheck: check });
      const none = await auth.check({ name: 'g', configDir: home });
      expect(none.ok).toBe(false);
      expect(none.reason).toMatch(/no Gemini credentials .*oauth_creds\.json/);
      mkdirSync(join(home, '.gemini'));
      writeFileSync(join(home, '.gemini', 'oauth_creds.json'), '{}');
      expect((await auth.check({ name: 'g', configDir: home })).ok).toBe(true);
      process.env['GEMINI_API_KEY'] = 'x';
      expect(await auth.check({ name: 'g2' })).toEqual({ ok: true, reason: 'GEMINI_API_KEY is set' });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("checks an account with its own vendor's CLI, whatever agent.kind is", async () => {
    const auth = new AuthPreflight({
      kind: 'claude-code',
      command: '/nonexistent/claude',
      commands: { codex: join(TOOLS, 'fake-codex.js') },
      authCheck: check,
    });
    expect((await auth.check({ name: 'oa', agent: 'codex' })).ok).toBe(true);
    process.env['FAKE_CODEX_LOGGED_OUT'] = '1';
    expect((await auth.check({ name: 'oa2', agent: 'codex' })).ok).toBe(false);
  });

  it("points each CLI at the account's credential directory under its own variable", () => {
    const account = { name: 'a', configDir: '/creds/a' };
    expect(accountEnv(account)).toEqual({ CLAUDE_CONFIG_DIR: '/creds/a' });
    expect(accountEnv(account, 'codex')).toEqual({ CODEX_HOME: '/creds/a' });
    expect(accountEnv(account, 'gemini-cli')).toEqual({ GEMINI_CLI_HOME: '/creds/a' });
  });
});

/** The agent CLIs Nightshift drives (config's `agent.kind`). */
export const AGENT_KINDS = ['claude-code', 'codex', 'gemini-cli', 'opencode'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

/** Who bills a CLI's sessions: an account belongs to one vendor, and a vendor's rate limit pauses only its accounts. */
export const VENDOR_OF: Readonly<Record<AgentKind, string>> = {
  'claude-code': 'anthropic',
  codex: 'openai',
  'gemini-cli': 'google',
  opencode: 'opencode',
};

/**
 * How an account's credentials reach each CLI: the variable naming its credential directory, and the one its API
 * key is read from (OpenCode reads each provider's own variable: the key keeps the name it has in apiKeyEnv).
 */
export const AGENT_CREDENTIAL_ENV: Readonly<Record<AgentKind, { configDir: string; apiKey: string | null }>> = {
  'claude-code': { configDir: 'CLAUDE_CONFIG_DIR', apiKey: 'ANTHROPIC_API_KEY' },
  codex: { configDir: 'CODEX_HOME', apiKey: 'OPENAI_API_KEY' },
  'gemini-cli': { configDir: 'GEMINI_CLI_HOME', apiKey: 'GEMINI_API_KEY' },
  opencode: { configDir: 'XDG_DATA_HOME', apiKey: null },
};

/** Each CLI's usual binary name, for a repo, account or escalation entry that names no command. */
export const AGENT_DEFAULT_COMMAND: Readonly<Record<AgentKind, string>> = {
  'claude-code': 'claude',
  codex: 'codex',
  'gemini-cli': 'gemini',
  opencode: 'opencode',
};

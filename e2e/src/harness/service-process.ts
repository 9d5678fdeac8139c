import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const FAKE_AGENT = path.join(REPO_ROOT, 'tools/fake-claude/fake-claude.js');
/** The fake agent's own settings (tools/fake-claude/README.md): passed to it by name through `agent.env.pass`. */
export const FAKE_AGENT_ENV = [
  'FAKE_CLAUDE_ARGV_LOG',
  'FAKE_CLAUDE_PROMPT_LOG',
  'FAKE_CLAUDE_DEFAULT',
  'FAKE_CLAUDE_LOGGED_OUT',
  'IS_SANDBOX',
  'BASH_DEFAULT_TIMEOUT_MS',
  'BASH_MAX_TIMEOUT_MS',
];

export type ServiceName =
  | 'ticket-scanner'
  | 'router'
  | 'worktree-manager'
  | 'session-runner'
  | 'memory-consolidator'
  | 'zombie-reaper'
  | 'metrics-exporter';

/** A service started from its built entry point, with its output kept in a file and scanned for its HTTP URL. */
export class ServiceProcess {
  readonly child: ChildProcess;
  readonly output: string[] = [];
  readonly url: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: ServiceName,
    configFile: string,
    env: NodeJS.ProcessEnv,
    logFile: string,
  ) {
    const entry = path.join(REPO_ROOT, 'apps', name, 'dist', 'main.js');
    this.child = spawn(process.execPath, [entry, '--config', configFile], {
      env: { ...process.env, NIGHTSHIFT_HTTP_PORT: '0', NIGHTSHIFT_GRACE_MS: '10000', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(logFile, { flags: 'a' });
    let resolveUrl: (url: string) => void = () => undefined;
    this.url = new Promise((resolve) => (resolveUrl = resolve));
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        this.output.push(line);
        log.write(`${line}\n`);
        const match = /"msg":"listening"/.test(line) ? /"url":"([^"]+)"/.exec(line) : null;
        if (match?.[1]) resolveUrl(match[1]);
      });
    }
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    await this.exited;
  }
}

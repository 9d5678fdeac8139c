import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const FAKE_AGENT = path.join(REPO_ROOT, 'tools/fake-claude/fake-claude.js');

export type ServiceName = 'ticket-scanner' | 'router' | 'worktree-manager' | 'session-runner' | 'memory-consolidator' | 'zombie-reaper';

/** A service started from its built entry point, with its output kept in a file and scanned for its HTTP URL. */
export class ServiceProcess {
  readonly child: ChildProcess;
  readonly output: string[] = [];
  readonly url: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly name: ServiceName, configFile: string, env: NodeJS.ProcessEnv, logFile: string) {
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

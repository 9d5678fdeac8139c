import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

import { REPO_ROOT } from './service-process';

export const CLI = path.join(REPO_ROOT, 'apps/cli/dist/main.js');

/** `nightshift up` as a child process on embedded defaults (no REDIS_URL), its output kept. */
export class UpProcess {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<number | null>;

  constructor(configFile: string, env: NodeJS.ProcessEnv = {}, args: string[] = []) {
    const { REDIS_URL: _ignored, ...inherited } = process.env;
    this.child = spawn(process.execPath, [CLI, '--config', configFile, 'up', ...args], {
      env: { ...inherited, NIGHTSHIFT_GRACE_MS: '5000', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, as a shell gives it: `stop()` sends Ctrl-C to that group, as a terminal does.
      detached: true,
    });
    this.child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Ctrl-C at the terminal (SIGINT to the whole foreground process group), then the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) process.kill(-this.child.pid!, 'SIGINT');
    return this.exited;
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

import { REPO_ROOT } from './service-process';

/** Lines kept per process for the failure message: enough for a stack trace and the lines before it. */
const KEPT_LINES = 200;

// The checkout may sit under a directory other uids cannot enter (a clone inside a `mktemp -d`
// folder is mode 0700), so the services do not run from its path: each runs in a private mount
// namespace where the checkout is bind-mounted on a directory any uid can reach. Nothing is copied
// (node_modules is ~700 MB) and the host's mount table is untouched; the mount goes with the process.
const MOUNT_AND_RUN = 'mount --bind "$1" "$2" && shift 2 && exec "$@"';

/**
 * Built services started natively (outside any container) as `uid`, from a view of this checkout
 * that uid can read. Their output is kept; `died` rejects, with that output, as soon as one exits
 * before `stop()`, so a service that cannot start fails the test at once instead of after a timeout.
 * Needs root (unshare, mount, setpriv), as running as another uid does anyway.
 */
export class NativeServicesAsUser {
  /** Where the checkout appears to the services: pass paths under it (tools, entry points) to them. */
  readonly root: string;
  readonly died: Promise<never>;
  private readonly children: Array<{ name: string; child: ChildProcess; output: string[] }> = [];
  private stopping = false;
  private reject: (err: Error) => void = () => undefined;

  constructor(private readonly uid: number) {
    this.root = mkdtempSync(path.join(os.tmpdir(), 'ns-checkout-'));
    chmodSync(this.root, 0o755);
    this.died = new Promise<never>((_resolve, reject) => (this.reject = reject));
    // Observed by whoever races it; without a race, a death after the test is nobody's failure.
    this.died.catch(() => undefined);
  }

  start(service: string, env: NodeJS.ProcessEnv): void {
    const entry = path.join(this.root, 'apps', service, 'dist/main.js');
    const id = String(this.uid);
    const setpriv = ['setpriv', '--reuid', id, '--regid', id, '--clear-groups', process.execPath, entry];
    const child = spawn(
      'unshare',
      ['--mount', '--propagation', 'private', 'sh', '-c', MOUNT_AND_RUN, 'sh', REPO_ROOT, this.root, ...setpriv],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output: string[] = [];
    for (const stream of [child.stdout!, child.stderr!])
      readline.createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        if (output.length > KEPT_LINES) output.shift();
      });
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      // Let the last lines of output arrive before reporting them.
      setTimeout(
        () =>
          this.reject(
            new Error(
              `${service} (native, uid ${id}) exited at ${code ?? signal} before the test was done; its output:\n${output.join('\n')}`,
            ),
          ),
        100,
      );
    });
    this.children.push({ name: service, child, output });
  }

  /**
   * Resolves with `work`, or rejects the moment one of the services dies; when `work` itself fails
   * (a wait timing out), the error carries the services' last lines, which say why.
   */
  async whileAlive<T>(work: Promise<T>): Promise<T> {
    try {
      return await Promise.race([work, this.died]);
    } catch (err) {
      if (!(err instanceof Error) || err.message.includes('before the test was done')) throw err;
      const tails = this.children.map(({ name, output }) => `--- ${name}:\n${output.slice(-40).join('\n')}`);
      err.message = `${err.message}\nthe native services' last output:\n${tails.join('\n')}`;
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.children.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    // The empty mount point (never recursive: a mount may still sit on it); gone already when stop runs twice.
    if (existsSync(this.root)) rmdirSync(this.root);
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { formatLogLine } from './format-log-line';

export interface ServiceSpec {
  /** Label in the merged output, e.g. `router` or `session-runner@mac`. */
  label: string;
  entry: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * Runs each service as a child process, prefixes its output, restarts one that dies (with backoff),
 * and on stop sends SIGTERM to all and waits for every one to exit, so nothing is left running.
 */
export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(
    private readonly specs: ServiceSpec[],
    private readonly out: (line: string) => void,
  ) {}

  start(): void {
    for (const spec of this.specs) this.launch(spec, 0);
  }

  private launch(spec: ServiceSpec, restarts: number): void {
    const child = spawn(process.execPath, [spec.entry, ...spec.args], { env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.set(spec.label, child);
    for (const stream of [child.stdout, child.stderr]) {
      // JSON for files and pipes (the services log JSON); one readable line each on a terminal.
      const render = process.stdout.isTTY ? formatLogLine : (line: string) => line;
      if (stream) readline.createInterface({ input: stream }).on('line', (line) => this.out(`[${spec.label}] ${render(line)}`));
    }
    const started = Date.now();
    child.once('exit', (code, signal) => {
      this.children.delete(spec.label);
      if (this.stopping) return;
      const next = Date.now() - started > 60_000 ? 0 : restarts + 1;
      const delay = Math.min(1000 * 2 ** next, 30_000);
      this.out(`[up] ${spec.label} exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(() => !this.stopping && this.launch(spec, next), delay).unref();
    });
  }

  /** SIGTERM to every child; SIGKILL to any still alive after `killAfterMs`. Resolves when all have exited. */
  async stop(killAfterMs: number): Promise<void> {
    this.stopping = true;
    const alive = [...this.children.values()];
    await Promise.all(
      alive.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

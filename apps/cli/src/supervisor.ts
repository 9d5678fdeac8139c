import { type ChildProcess, spawn } from 'node:child_process';
import readline from 'node:readline';

export interface ServiceSpec {
  /** Label in the merged output, e.g. `router` or `session-runner@mac`. */
  label: string;
  entry: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Shutdown order: every service of a lower stage has exited before a higher stage is told to stop. */
  stopStage?: number;
}

/**
 * Runs each service as a child process, prefixes its output, restarts one that dies (with backoff),
 * and on stop sends SIGTERM stage by stage and waits for every one to exit, so nothing is left running.
 * Each child has its own process group: a Ctrl-C at the terminal reaches `up` alone, which decides the order.
 */
export class Supervisor {
  private readonly children = new Map<string, { child: ChildProcess; stage: number }>();
  private stopping = false;

  constructor(
    private readonly specs: ServiceSpec[],
    private readonly out: (line: string) => void,
    /** How a service's output line is shown; null hides it. Default: as it came. */
    private readonly render: (line: string) => string | null = (line) => line,
  ) {}

  start(): void {
    for (const spec of this.specs) this.launch(spec, 0);
  }

  private launch(spec: ServiceSpec, restarts: number): void {
    const child = spawn(process.execPath, [spec.entry, ...spec.args], {
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.children.set(spec.label, { child, stage: spec.stopStage ?? 0 });
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      readline.createInterface({ input: stream }).on('line', (line) => {
        const shown = this.render(line);
        if (shown !== null) this.out(`[${spec.label}] ${shown}`);
      });
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

  /** Stage by stage: SIGTERM to its children, SIGKILL to any still alive after `killAfterMs`. Resolves when all have exited. */
  async stop(killAfterMs: number): Promise<void> {
    this.stopping = true;
    const stages = [...new Set([...this.children.values()].map((c) => c.stage))].sort((a, b) => a - b);
    for (const stage of stages) {
      const alive = [...this.children.values()].filter((c) => c.stage === stage).map((c) => c.child);
      await stopAll(alive, killAfterMs);
    }
  }
}

function stopAll(alive: ChildProcess[], killAfterMs: number): Promise<unknown> {
  return Promise.all(
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

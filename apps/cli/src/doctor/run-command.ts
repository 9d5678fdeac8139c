import { execFile } from 'node:child_process';

export interface CommandOutput {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** ENOENT when the program is not installed. */
  code?: string | number;
}

/** Runs a program without a shell, bounded in time; never throws. */
export function runCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 15_000,
): Promise<CommandOutput> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({
        ok: !err,
        stdout: String(stdout),
        stderr: String(stderr),
        code: err ? ((err as NodeJS.ErrnoException).code ?? (err as { code?: number }).code) : 0,
      });
    });
  });
}

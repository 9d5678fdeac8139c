import { execFile } from 'node:child_process';

/** Runs one podman command (argv, no shell); rejects with podman's own stderr. */
export function podmanCli(podman: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(podman, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${podman} ${args[0] ?? ''} failed: ${String(stderr || error.message).trim()}`));
      else resolve(stdout);
    });
  });
}

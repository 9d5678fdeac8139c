import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** Where `command` resolves on PATH (or as a path), or null when it is missing or not executable. */
export function resolveCommand(command: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = command.includes('/')
    ? [path.resolve(command)]
    : (env['PATH'] ?? '')
        .split(path.delimiter)
        .filter(Boolean)
        .map((d) => path.join(d, command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Throws a message naming the command and the fix when the agent CLI cannot be launched. */
export function assertAgentCommand(command: string): void {
  if (!resolveCommand(command)) {
    throw new Error(
      `agent command "${command}" not found or not executable: install the agent CLI or set agent.command in nightshift.yaml`,
    );
  }
}

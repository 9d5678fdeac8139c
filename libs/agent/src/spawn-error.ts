/**
 * One sentence naming why the agent CLI could not be started, and what to do. "Not found" is said only
 * for ENOENT: a prompt past the argv limit (E2BIG) or a file without execute permission (EACCES) told
 * "install it" sends an operator after the wrong cause.
 */
export function describeSpawnError(command: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  const start = `cannot start the agent CLI "${command}"`;
  switch (code) {
    case 'ENOENT':
      return `${start}: not found (ENOENT). Install it or set agent.command in nightshift.yaml to its full path; a script whose interpreter (#! line) is missing fails the same way.`;
    case 'EACCES':
      return `${start}: permission denied (EACCES): the file is not executable by the user running Nightshift, or a folder on its path is not searchable. Run chmod +x on it or point agent.command at the real executable.`;
    case 'E2BIG':
      return `${start}: argument list too long (E2BIG): the arguments or environment passed the operating system's limit. Shorten agent extra arguments or the environment.`;
    case 'ENOEXEC':
      return `${start}: not an executable format (ENOEXEC): the file is neither a binary for this machine nor a script with a #! line. Point agent.command at the real executable.`;
    case 'EMFILE':
    case 'ENFILE':
    case 'EAGAIN':
    case 'ENOMEM':
      return `${start}: the machine is out of processes, memory or file descriptors (${code}): ${detail}. Lower hosts[].slots or raise the limits.`;
    default:
      return `${start}: spawn failed${code ? ` (${code})` : ''}: ${detail}.`;
  }
}

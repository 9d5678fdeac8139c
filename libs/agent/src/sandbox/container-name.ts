/** Every sandbox container carries this label (value: the session's key and tag, as in NIGHTSHIFT_SESSION). */
export const SESSION_LABEL = 'nightshift.session';
/** The host whose runner started the container, and that runner's pid and /proc start time: the reaper's evidence. */
export const HOST_LABEL = 'nightshift.host';
export const RUNNER_PID_LABEL = 'nightshift.runner-pid';
export const RUNNER_START_LABEL = 'nightshift.runner-start';

/**
 * The container of one execution of a session, named after its key and per-execution tag (`NS-1.1~2#a1b2` →
 * `nightshift-agent-NS-1.1_2--a1b2`): `podman ps` tells whose agent it is, and two executions never share one.
 */
export function containerName(sessionEnvValue: string): string {
  const [key = '', tag] = sessionEnvValue.split('#');
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
  return `nightshift-agent-${safe(key)}${tag ? `--${safe(tag)}` : ''}`.slice(0, 200);
}

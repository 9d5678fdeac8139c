/** What the adapter would spawn for one session: the agent CLI, its arguments, working directory and environment. */
export interface AgentSpawn {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}

/** Turns a plain spawn into another one that runs the same agent somewhere else (a container). */
export type SpawnLayer = (plain: AgentSpawn) => AgentSpawn;

/** The spawn the adapter makes: the plain one, or what the session's sandbox layer makes of it. */
export function layeredSpawn(layer: SpawnLayer | undefined, plain: AgentSpawn): AgentSpawn {
  return layer ? layer(plain) : plain;
}

import type { HostConfig, NightshiftConfig } from '@nightshift/config';

/** This process's host: NIGHTSHIFT_HOST names one from config; with none set, the first configured host. */
export function resolveHost(config: NightshiftConfig, env: NodeJS.ProcessEnv = process.env): HostConfig {
  const wanted = env['NIGHTSHIFT_HOST'];
  if (!wanted) return config.hosts[0] as HostConfig;
  const host = config.hosts.find((h) => h.name === wanted);
  if (!host) {
    throw new Error(
      `NIGHTSHIFT_HOST=${wanted} is not a host in ${config.file} (known: ${config.hosts.map((h) => h.name).join(', ')})`,
    );
  }
  return host;
}

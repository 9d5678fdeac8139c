import {
  type ConfigChange,
  ConfigError,
  ConfigWatcher,
  loadConfig,
  type NightshiftConfig,
  secretEnvNames,
  type ServiceName,
} from '@nightshift/config';
import { declareSecretEnvNames } from '@nightshift/domain';
import { makeDataDirPrivate, resolveRedisUrl, ServiceRuntime } from '@nightshift/service-shell';
import { EventLog } from '@nightshift/state';

/** What a service's build step returns: how to start it, and (optionally) how it takes a live config change. */
export interface BuiltService {
  start(): void | Promise<void>;
  /** Called after a valid edit was applied to the shared config object (e.g. resize slots). */
  onConfigReload?(change: ConfigChange): void;
}

/** Reads `--config FILE` from argv, else NIGHTSHIFT_CONFIG, else ./nightshift.yaml. */
export function configPathFromArgv(argv: string[] = process.argv): string | undefined {
  const i = argv.indexOf('--config');
  return i >= 0 ? argv[i + 1] : undefined;
}

/**
 * Entry point shared by every service's main.ts: loads and validates config (a bad file stops the
 * process with the file, the path inside it and the reason), builds the runtime, lets the service add
 * its workers, then serves HTTP and waits for Redis. Workers start once Redis answers.
 */
export async function bootService(
  service: ServiceName,
  build: (runtime: ServiceRuntime, config: NightshiftConfig) => Promise<BuiltService>,
): Promise<ServiceRuntime> {
  let config: NightshiftConfig;
  try {
    config = loadConfig(configPathFromArgv());
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`nightshift ${service}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  makeDataDirPrivate(config);
  const redisUrl = resolveRedisUrl(config);
  if (!redisUrl) {
    process.stderr.write(
      `nightshift ${service}: no Redis configured: set REDIS_URL, set redis.url in ${config.file}, or start everything with \`nightshift up\`\n`,
    );
    process.exit(2);
  }
  const port = process.env['NIGHTSHIFT_HTTP_PORT'];
  const runtime = new ServiceRuntime({
    service,
    config,
    redisUrl,
    port: port === undefined ? undefined : Number(port),
    graceMs: Number(process.env['NIGHTSHIFT_GRACE_MS'] ?? 30_000),
  });
  process.on('unhandledRejection', (err) => runtime.logger.error({ err: String(err) }, 'unhandled rejection'));
  let service$: BuiltService;
  try {
    service$ = await build(runtime, config);
    await runtime.start();
    await service$.start();
  } catch (err) {
    // A service that cannot be built or started (a missing secret, say) exits, rather than idling alive.
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    process.stderr.write(`nightshift ${service}: cannot start: ${message.split('\n')[0]}\n`);
    process.exit(2);
  }
  watchConfig(service, runtime, config, service$);
  runtime.logger.info('ready');
  return runtime;
}

/**
 * Hot reload: a valid edit of nightshift.yaml is applied in place (the keys in HOT_KEYS) and recorded
 * as `config.reloaded`; keys that need a restart are named in the log and the event; an edit that
 * does not load is ignored with `config.rejected`, the last good config staying in force.
 */
export function watchConfig(
  service: ServiceName,
  runtime: Pick<ServiceRuntime, 'redis' | 'logger' | 'onClose'>,
  config: NightshiftConfig,
  built: BuiltService,
): void {
  const events = new EventLog(runtime.redis);
  const record = (type: 'config.reloaded' | 'config.rejected', detail: Record<string, string>) =>
    void events
      .append({ type, detail: { service, ...detail } })
      .catch((err: Error) => runtime.logger.warn({ err: err.message }, 'could not record the config event'));
  const watcher = new ConfigWatcher(
    config,
    {
      onReloaded: (change, edited) => {
        // A secret the edit names (a new tokenEnv) is masked from now on, not from the next restart.
        declareSecretEnvNames(secretEnvNames(edited));
        built.onConfigReload?.(change);
        if (change.needsRestart.length > 0)
          runtime.logger.warn(
            { needsRestart: change.needsRestart },
            `config changed in keys this service takes only at start; restart it to apply: ${change.needsRestart.join(', ')}`,
          );
        runtime.logger.info({ applied: change.applied }, 'config reloaded');
        record('config.reloaded', {
          applied: change.applied.join(',') || '-',
          needsRestart: change.needsRestart.join(',') || '-',
        });
      },
      onRejected: (reason) => {
        runtime.logger.error({ reason }, 'config edit ignored; the last good config stays in force');
        record('config.rejected', { reason: reason.slice(0, 500) });
      },
    },
    Number(process.env['NIGHTSHIFT_CONFIG_POLL_MS'] ?? 1000),
  );
  watcher.start();
  runtime.onClose({ close: async () => watcher.stop() });
}

import { ConfigError, loadConfig, type NightshiftConfig, type ServiceName } from '@nightshift/config';
import { resolveRedisUrl } from '@nightshift/config';
import { ServiceRuntime } from './service-runtime';

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
  build: (runtime: ServiceRuntime, config: NightshiftConfig) => Promise<{ start(): void | Promise<void> }>,
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
  const redisUrl = resolveRedisUrl(config);
  if (!redisUrl) {
    process.stderr.write(`nightshift ${service}: no Redis configured: set REDIS_URL, set redis.url in ${config.file}, or start everything with \`nightshift up\`\n`);
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
  const service$ = await build(runtime, config);
  await runtime.start();
  await service$.start();
  runtime.logger.info('ready');
  return runtime;
}

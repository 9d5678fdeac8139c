import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { freePort } from '@nightshift/service-shell';
import { waitFor } from '@nightshift/testing-fakes';
import { parse, stringify } from 'yaml';

import { REPO_ROOT } from './service-process';

const PROMETHEUS_DIR = path.join(REPO_ROOT, 'prometheus');

export interface PrometheusOptions {
  dir: string;
  /** job name (as in prometheus/prometheus.yml) → service base URLs (`http://127.0.0.1:PORT`). */
  targets: Record<string, string[]>;
  /** Overrides an alert's `for:` (a real scenario need not wait 10 minutes to prove the rule fires). */
  alertFor?: Record<string, string>;
}

/**
 * A real Prometheus (the Debian package) on a free port, running the repository's own
 * prometheus.yml and rules, with the scrape and evaluation intervals cut to 1 s and targets written
 * into its file_sd files, as a compose file would.
 */
export class PrometheusServer {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    readonly output: string[],
  ) {}

  static async start(opts: PrometheusOptions): Promise<PrometheusServer> {
    const config = parse(readFileSync(path.join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as {
      global: Record<string, string>;
    };
    config.global['scrape_interval'] = '1s';
    config.global['evaluation_interval'] = '1s';
    mkdirSync(path.join(opts.dir, 'rules'), { recursive: true });
    mkdirSync(path.join(opts.dir, 'targets'), { recursive: true });
    writeFileSync(path.join(opts.dir, 'prometheus.yml'), stringify(config));
    for (const file of readdirSync(path.join(PROMETHEUS_DIR, 'rules'))) {
      const rules = parse(readFileSync(path.join(PROMETHEUS_DIR, 'rules', file), 'utf8')) as {
        groups: Array<{ rules: Array<{ alert?: string; for?: string }> }>;
      };
      for (const rule of rules.groups.flatMap((g) => g.rules))
        if (rule.alert && opts.alertFor?.[rule.alert]) rule.for = opts.alertFor[rule.alert];
      writeFileSync(path.join(opts.dir, 'rules', file), stringify(rules));
    }
    // A job whose service this test did not start scrapes nothing (the repo's files point at the default
    // ports of `nightshift up`, which may be anything on this machine).
    for (const file of readdirSync(path.join(PROMETHEUS_DIR, 'targets')))
      writeFileSync(path.join(opts.dir, 'targets', file), '[]\n');
    for (const [job, urls] of Object.entries(opts.targets)) {
      writeFileSync(
        path.join(opts.dir, 'targets', `${job}.json`),
        JSON.stringify([{ targets: urls.map((u) => new URL(u).host), labels: { node: 'linux-1' } }]),
      );
    }
    const port = await freePort();
    const child = spawn(
      'prometheus',
      [
        `--config.file=${path.join(opts.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(opts.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const output: string[] = [];
    for (const stream of [child.stdout!, child.stderr!])
      stream.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, child, output);
    await waitFor(
      'prometheus ready',
      async () => child.exitCode === null && (await fetch(`${server.url}/-/ready`)).ok,
      60_000,
      200,
    ).catch((err: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${err.message}\n${output.join('')}`);
    });
    return server;
  }

  /** The value of an instant PromQL query returning one series (or a scalar); null when it returns nothing. */
  async query(promql: string): Promise<number | null> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data: { resultType: string; result: unknown };
    };
    if (body.status !== 'success') throw new Error(`PromQL ${promql} failed: ${body.error}`);
    if (body.data.resultType === 'scalar') return Number((body.data.result as [number, string])[1]);
    const vector = body.data.result as Array<{ value: [number, string] }>;
    if (vector.length > 1) throw new Error(`PromQL ${promql} returned ${vector.length} series; expected one`);
    return vector[0] ? Number(vector[0].value[1]) : null;
  }

  /** Alerts Prometheus has now, with their state (pending, firing). */
  async alerts(): Promise<
    Array<{ labels: Record<string, string>; state: string; annotations: Record<string, string> }>
  > {
    const body = (await (await fetch(`${this.url}/api/v1/alerts`)).json()) as {
      data: { alerts: Array<{ labels: Record<string, string>; state: string; annotations: Record<string, string> }> };
    };
    return body.data.alerts;
  }

  /** Health of each scrape target, by job. */
  async targetHealth(): Promise<Record<string, string>> {
    const body = (await (await fetch(`${this.url}/api/v1/targets`)).json()) as {
      data: { activeTargets: Array<{ labels: { job: string }; health: string }> };
    };
    return Object.fromEntries(body.data.activeTargets.map((t) => [t.labels.job, t.health]));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

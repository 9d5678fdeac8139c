import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'yaml';

import { committedDashboards, PROMETHEUS_DIR, REPO_ROOT } from './testing/observability-files';

/**
 * What Grafana and Prometheus would find once deployed, checked without running them (Grafana's image
 * cannot be had on these machines): a provider path with nothing mounted under it loads no dashboard,
 * and a service with no scrape job is invisible to every alert.
 */

const COMPOSE_DIR = path.join(REPO_ROOT, 'compose');
const readYaml = <T>(file: string): T => parse(readFileSync(file, 'utf8')) as T;

interface ComposeService {
  image?: string;
  volumes?: string[];
}
const composeFiles = () => readdirSync(COMPOSE_DIR).filter((f) => f.endsWith('.yaml'));
const composeService = (file: string, name: string): ComposeService | undefined =>
  readYaml<{ services?: Record<string, ComposeService> }>(path.join(COMPOSE_DIR, file)).services?.[name];

interface Mount {
  host: string;
  container: string;
}
/** A service's bind mounts (named volumes have no host path in the repo and are left out). */
function bindMounts(service: ComposeService): Mount[] {
  return (service.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([source]) => source!.startsWith('.') || source!.startsWith('/'))
    .map(([source, container]) => ({ host: path.resolve(COMPOSE_DIR, source!), container: container! }));
}

/** The host path a container path reads through the mounts (the deepest mount wins), or null. */
function hostPathOf(mounts: Mount[], containerPath: string): string | null {
  const mount = mounts
    .filter((m) => containerPath === m.container || containerPath.startsWith(`${m.container}/`))
    .sort((a, b) => b.container.length - a.container.length)[0];
  return mount ? path.join(mount.host, path.relative(mount.container, containerPath)) : null;
}

const filesIn = (dir: string) =>
  existsSync(dir) && statSync(dir).isDirectory()
    ? readdirSync(dir).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    : [];

/** Every compose file that runs the real Grafana (ci.yaml swaps it for an idle placeholder). */
const grafanaComposes = composeFiles()
  .map((file) => ({ file, service: composeService(file, 'grafana') }))
  .filter((c): c is { file: string; service: ComposeService } => !!c.service?.image?.includes('grafana/grafana'));

describe('Grafana provisioning against the compose mounts', () => {
  it('finds a compose file that runs Grafana (the check itself works)', () => {
    expect(grafanaComposes.map((c) => c.file)).toContain('primary.yaml');
  });

  describe.each(grafanaComposes.map((c) => [c.file, c.service] as const))('compose/%s', (_file, grafana) => {
    const mounts = bindMounts(grafana);
    const provisioning = hostPathOf(mounts, '/etc/grafana/provisioning');

    it('mounts the provisioning folder', () => {
      expect(provisioning).toBe(path.join(REPO_ROOT, 'grafana/provisioning'));
    });

    it('mounts every dashboard provider path on the folder of the committed dashboards', () => {
      const dir = path.join(provisioning!, 'dashboards');
      const providers = filesIn(dir).flatMap(
        (f) => readYaml<{ providers: Array<{ name: string; options: { path: string } }> }>(path.join(dir, f)).providers,
      );
      expect(providers.length).toBeGreaterThan(0);
      for (const p of providers) {
        const host = hostPathOf(mounts, p.options.path);
        expect({ provider: p.name, path: p.options.path, host }).toEqual({
          provider: p.name,
          path: p.options.path,
          host: path.join(REPO_ROOT, 'grafana/dashboards'),
        });
      }
    });
  });
});

describe('Grafana datasources', () => {
  const dir = path.join(REPO_ROOT, 'grafana/provisioning/datasources');
  const provisioned = filesIn(dir).flatMap(
    (f) => readYaml<{ datasources: Array<{ uid: string; type: string }> }>(path.join(dir, f)).datasources,
  );

  it('every datasource a dashboard names (panels, queries, variables) is provisioned with that uid and type', () => {
    const refs = Object.values(committedDashboards()).flatMap((d) => {
      const raw = d as unknown as {
        uid: string;
        panels: Array<{ title: string; datasource?: unknown; targets?: Array<{ datasource?: unknown }> }>;
        templating: { list: Array<{ name: string; datasource?: unknown }> };
      };
      return [
        ...raw.panels.flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
        ...raw.templating.list.map((v) => v.datasource),
      ]
        .filter((ds): ds is { uid: string; type: string } => typeof ds === 'object' && ds !== null)
        .map((ds) => `${raw.uid}: ${ds.type}/${ds.uid}`);
    });
    expect(refs.length).toBeGreaterThan(0);
    const known = new Set(provisioned.map((ds) => `${ds.type}/${ds.uid}`));
    expect(refs.filter((r) => !known.has(r.split(': ')[1]!))).toEqual([]);
  });
});

describe('Prometheus scrapes every service', () => {
  /** The services that serve /metrics: every app started by service-shell's bootService. */
  const services = readdirSync(path.join(REPO_ROOT, 'apps'))
    .map((app) => path.join(REPO_ROOT, 'apps', app, 'src/main.ts'))
    .filter((main) => existsSync(main))
    .flatMap((main) => [...readFileSync(main, 'utf8').matchAll(/\bbootService\(\s*'([a-z-]+)'/g)].map((m) => m[1]!));

  const configs = {
    'prometheus/prometheus.yml': path.join(PROMETHEUS_DIR, 'prometheus.yml'),
    'compose/prometheus.yml': path.join(COMPOSE_DIR, 'prometheus.yml'),
  };
  type ScrapeJob = { job_name: string; file_sd_configs?: Array<{ files: string[] }> };
  const jobsOf = (file: string) => readYaml<{ scrape_configs: ScrapeJob[] }>(file).scrape_configs;

  it('finds the services (the scan itself works)', () => {
    expect(services).toEqual(expect.arrayContaining(['metrics-exporter', 'session-runner', 'zombie-reaper']));
    expect(services.length).toBeGreaterThanOrEqual(7);
  });

  it.each(Object.entries(configs))('%s has a scrape job for each service', (_name, file) => {
    const jobs = new Set(jobsOf(file).map((j) => j.job_name));
    expect(services.filter((s) => !jobs.has(s))).toEqual([]);
  });

  it('every target file prometheus/prometheus.yml reads exists', () => {
    const files = jobsOf(configs['prometheus/prometheus.yml']).flatMap((j) =>
      (j.file_sd_configs ?? []).flatMap((sd) => sd.files),
    );
    expect(files.filter((f) => !existsSync(path.join(PROMETHEUS_DIR, f)))).toEqual([]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ConfigWatcher } from './config-watcher';
import { applyConfigChange, type ConfigChange, diffConfig } from './hot-reload';
import { loadConfig, parseConfig } from './load-config';

const FILE = '/srv/nightshift/nightshift.yaml';
const base = `
repos: [{ name: api, remote: ./api.git, keywords: [billing] }]
hosts: [{ name: box, capabilities: [linux], slots: 4 }]
routing: { maxAttempts: 3, jobLockSec: 30 }
`;

describe('config hot reload', () => {
  it('applies routing, repos, slots and timeouts in place; names what needs a restart and leaves it alone', () => {
    const live = parseConfig(base, FILE);
    const agentBefore = live.agent;
    const next = parseConfig(
      `
repos: [{ name: api, remote: ./api.git, keywords: [billing, invoices] }]
hosts: [{ name: box, capabilities: [linux], slots: 8 }]
routing: { maxAttempts: 1, jobLockSec: 90 }
agent: { stallTimeoutSec: 42 }
http: { host: 0.0.0.0 }
`,
      FILE,
    );
    const change = diffConfig(live, next);
    expect(change.applied.sort()).toEqual([
      'agent.stallTimeoutSec',
      'hosts[box].slots',
      'repos',
      'routing.maxAttempts',
    ]);
    expect(change.needsRestart.sort()).toEqual(['http.host', 'routing.jobLockSec']);
    applyConfigChange(live, next, change);
    expect(live.routing.maxAttempts).toBe(1);
    expect(live.routing.jobLockSec).toBe(30);
    expect(live.repos[0]!.keywords).toEqual(['billing', 'invoices']);
    expect(live.hosts[0]!.slots).toBe(8);
    expect(live.agent).toBe(agentBefore); // holders of config.agent see the new timeout too
    expect(agentBefore.stallTimeoutSec).toBe(42);
  });

  it('treats a host added, removed or given other capabilities as a restart', () => {
    const live = parseConfig(base, FILE);
    const next = parseConfig(
      `${base.replace('hosts: [{ name: box, capabilities: [linux], slots: 4 }]', 'hosts: [{ name: box, capabilities: [linux, mobile], slots: 4 }]')}`,
      FILE,
    );
    expect(diffConfig(live, next)).toEqual({ applied: [], needsRestart: ['hosts'] });
  });

  describe('the watcher', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'ns-hot-reload-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('applies a good edit, ignores a broken one keeping the last good config, then takes the next good one', () => {
      const file = path.join(dir, 'nightshift.yaml');
      writeFileSync(file, base);
      const live = loadConfig(file);
      const reloaded: ConfigChange[] = [];
      const rejected: string[] = [];
      const watcher = new ConfigWatcher(live, {
        onReloaded: (c) => reloaded.push(c),
        onRejected: (r) => rejected.push(r),
      });

      writeFileSync(file, base.replace('maxAttempts: 3', 'maxAttempts: 5'));
      watcher.check();
      expect(live.routing.maxAttempts).toBe(5);
      expect(reloaded).toEqual([{ applied: ['routing.maxAttempts'], needsRestart: [] }]);

      writeFileSync(file, `${base.replace('maxAttempts: 3', 'maxAttempts: 7')}\n  broken: [unclosed\n`);
      watcher.check();
      expect(rejected).toHaveLength(1);
      expect(rejected[0]).toContain(file);
      expect(live.routing.maxAttempts).toBe(5);

      writeFileSync(file, base.replace('maxAttempts: 3', 'maxAttempts: 2'));
      watcher.check();
      expect(live.routing.maxAttempts).toBe(2);
      expect(reloaded).toHaveLength(2);
    });
  });
});

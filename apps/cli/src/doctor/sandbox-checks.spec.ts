import path from 'node:path';

import { parseConfig } from '@nightshift/config';

import { runChecks } from './doctor-check';
import { checkSandbox } from './sandbox-checks';

const config = (agent: string, repo = '') =>
  parseConfig(
    `repos:\n  - name: api\n    remote: /srv/api.git\n${repo}agent:\n${agent}`,
    path.join('/tmp', 'nightshift.yaml'),
  );

describe('nightshift doctor: the sandbox', () => {
  it('warns (never fails) about an external sandbox, saying what nothing checks and what to use instead', async () => {
    const { results, lines } = await runChecks([
      () => checkSandbox(config('  permissionMode: bypassPermissions\n  sandbox: true\n')),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(lines).toEqual([
      expect.stringMatching(/^WARN {2}sandbox {2}external for api on local: .*bypassPermissions/),
    ]);
    expect(lines[0]).toContain('fix: set agent.sandbox: podman');
  });

  it('says when no repo is sandboxed, and fails a Podman sandbox podman cannot run', async () => {
    expect((await runChecks([() => checkSandbox(config('  model: sonnet\n'))])).lines[0]).toMatch(/^skip/);
    const broken = await checkSandbox(config('  sandbox: podman\n  podman:\n    command: /nonexistent/podman\n'));
    expect(broken).toEqual([expect.objectContaining({ ok: false, detail: expect.stringContaining('does not run') })]);
  });
});

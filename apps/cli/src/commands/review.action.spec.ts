import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parseConfig } from '@nightshift/config';
import { LocalForge } from '@nightshift/forge';

import { addCheck, addReviewComment } from './review.action';

describe('nightshift review comment|check', () => {
  let dir: string;
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'ns-review-cli-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  afterAll(() => out.mockRestore());

  it('adds a line comment and a failed check to a local PR, and refuses a bad number, conclusion or line', async () => {
    const config = parseConfig('repos:\n  - { name: web, remote: ./r.git }\n', path.join(dir, 'nightshift.yaml'));
    const forge = new LocalForge({ dir: config.paths.forge });
    const { pr } = await forge.findOrCreatePr({
      repo: 'web',
      head: 'agent/X-1',
      base: 'main',
      title: 't',
      body: 'b',
      tickets: ['X-1'],
    });
    await addReviewComment(config, 'web', String(pr.number), {
      body: 'rename it',
      author: 'rita',
      path: 'a.ts',
      line: '3',
    });
    writeFileSync(path.join(dir, 'out.txt'), 'FAIL a.spec\n');
    await addCheck(config, 'web', String(pr.number), {
      name: 'unit',
      conclusion: 'failure',
      logFile: path.join(dir, 'out.txt'),
    });
    const [stored] = await forge.listPrs();
    expect(stored!.reviews).toEqual([
      expect.objectContaining({ kind: 'review_comment', author: 'rita', body: 'rename it', path: 'a.ts', line: 3 }),
    ]);
    expect(stored!.checkRuns).toEqual([
      expect.objectContaining({ name: 'unit', conclusion: 'failure', log: 'FAIL a.spec\n' }),
    ]);
    await expect(addReviewComment(config, 'web', 'one', { body: 'x', author: 'r' })).rejects.toThrow(
      'a PR number is a positive integer, got "one"',
    );
    await expect(addReviewComment(config, 'web', '1', { body: 'x', author: 'r', line: '-2' })).rejects.toThrow(
      '--line must be a positive line number',
    );
    await expect(addCheck(config, 'web', '1', { name: 'unit', conclusion: 'maybe' })).rejects.toThrow(
      '--conclusion must be one of success, failure, timed_out, cancelled',
    );
  });

  it('refuses to run against a GitHub forge, saying where to comment instead', async () => {
    const config = parseConfig(
      'repos:\n  - { name: web, remote: https://github.com/acme/web.git }\nforge: { kind: github }\n',
      path.join(dir, 'nightshift.yaml'),
    );
    await expect(addReviewComment(config, 'web', '1', { body: 'x', author: 'r' })).rejects.toThrow(
      /sets forge.kind: github; comment on the pull request on GitHub itself/,
    );
  });
});

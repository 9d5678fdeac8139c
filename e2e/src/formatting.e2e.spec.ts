import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { ESLint } from 'eslint';

import { REPO_ROOT } from './harness';

// The formatting checks `npm run build` runs before compiling: Prettier (`npm run format:check`, with the
// repo's .prettierrc.json) and the import order (eslint's simple-import-sort, in `npm run boundaries`).
// Each must refuse a planted file written by hand the way the old code was.
describe('formatting checks of the build', () => {
  const build = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };

  it('runs both checks before tsc', () => {
    const script = build.scripts['build']!;
    expect(script.indexOf('format:check')).toBeGreaterThan(-1);
    expect(script.indexOf('boundaries')).toBeLessThan(script.indexOf('tsc'));
    expect(script.indexOf('format:check')).toBeLessThan(script.indexOf('tsc'));
  });

  it('Prettier refuses a file over the print width and accepts it once formatted', () => {
    const dir = fs.mkdtempSync(path.join(REPO_ROOT, 'tmp-format-'));
    try {
      const file = path.join(dir, 'planted.ts');
      const long = `export const onSpawn = (pid: number, group: number, tag: string, key: string, host: string) => ({ pid, group, tag, key, host, at: Date.now() });\n`;
      fs.writeFileSync(file, long);
      const prettier = path.join(REPO_ROOT, 'node_modules/.bin/prettier');
      const check = () => spawnSync(prettier, ['--check', file], { cwd: REPO_ROOT, encoding: 'utf8' });
      const refused = check();
      expect(refused.status).not.toBe(0);
      expect(`${refused.stdout}${refused.stderr}`).toContain('planted.ts');
      expect(spawnSync(prettier, ['--write', file], { cwd: REPO_ROOT }).status).toBe(0);
      expect(check().status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('eslint refuses unsorted imports', async () => {
    // The config is handed over rather than looked up: ESLint loads config files by dynamic import, which Jest's
    // CommonJS runtime refuses.
    const eslint = new ESLint({
      cwd: REPO_ROOT,
      overrideConfigFile: true,
      overrideConfig: require(`${REPO_ROOT}/eslint.config.cjs`) as ESLint.Options['overrideConfig'],
    });
    const lint = async (code: string) =>
      (await eslint.lintText(code, { filePath: `${REPO_ROOT}/libs/state/src/fixture.ts` }))[0]!.messages.map(
        (m) => m.ruleId,
      );
    const unsorted =
      "import { z } from 'zod';\nimport { readFileSync } from 'node:fs';\nexport const x = [z, readFileSync];\n";
    expect(await lint(unsorted)).toContain('simple-import-sort/imports');
    const sorted =
      "import { readFileSync } from 'node:fs';\n\nimport { z } from 'zod';\n\nexport const x = [z, readFileSync];\n";
    expect(await lint(sorted)).not.toContain('simple-import-sort/imports');
  });
});

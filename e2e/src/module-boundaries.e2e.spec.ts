import { execFileSync } from 'node:child_process';

import { ESLint } from 'eslint';

import { REPO_ROOT } from './harness';

// The boundary check `npm run build` runs (eslint.config.cjs: @nx/enforce-module-boundaries by project
// tags, plus the deep-import selectors), applied to files that break a rule: each must be refused.
describe('module boundaries', () => {
  let eslint: ESLint;
  beforeAll(() => {
    // The Nx rule reads the cached project graph; the build makes it the same way.
    execFileSync('npx', ['nx', 'show', 'projects'], {
      cwd: REPO_ROOT,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: 'ignore',
    });
    // The config is handed over rather than looked up: ESLint loads config files by dynamic import, which Jest's CommonJS runtime refuses.
    eslint = new ESLint({
      cwd: REPO_ROOT,
      overrideConfigFile: true,
      overrideConfig: require(`${REPO_ROOT}/eslint.config.cjs`) as ESLint.Options['overrideConfig'],
    });
  });
  const problems = async (file: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath: `${REPO_ROOT}/${file}` });
    return result!.messages.map((m) => `${m.ruleId}: ${m.message.split('\n')[0]}`);
  };

  it.each([
    [
      'a lib importing an app',
      'libs/notify/src/fixture.ts',
      "import { main } from '@nightshift/zombie-reaper';\nexport const m = main;\n",
      /type:lib" can only depend on libs tagged with "type:lib"/,
    ],
    [
      'a lib requiring an app',
      'libs/notify/src/fixture.ts',
      "const app = require('@nightshift/zombie-reaper');\nexport const m = app;\n",
      /type:lib" can only depend on libs tagged with "type:lib"/,
    ],
    [
      'a deep import into another project',
      'libs/state/src/fixture.ts',
      "import { OUTCOMES } from '@nightshift/domain/src/outcome';\nexport const o = OUTCOMES;\n",
      /Deep import into another project/,
    ],
    [
      'a deep require of another project',
      'libs/state/src/fixture.ts',
      "const outcome = require('@nightshift/domain/src/outcome');\nexport const o = outcome;\n",
      /Deep require of another project/,
    ],
    [
      'testing-fakes in service code',
      'libs/state/src/fixture.ts',
      "import { waitFor } from '@nightshift/testing-fakes';\nexport const w = waitFor;\n",
      /can only depend on libs tagged with "type:lib"/,
    ],
  ])('refuses %s', async (_what, file, code, expected) => {
    expect((await problems(file, code)).join('\n')).toMatch(expected);
  });

  it('accepts a public import, and testing-fakes in a spec', async () => {
    expect(
      await problems(
        'libs/state/src/fixture.ts',
        "import { OUTCOMES } from '@nightshift/domain';\nexport const o = OUTCOMES;\n",
      ),
    ).toEqual([]);
    expect(
      await problems(
        'libs/state/src/fixture.spec.ts',
        "import { waitFor } from '@nightshift/testing-fakes';\nexport const w = waitFor;\n",
      ),
    ).toEqual([]);
  });
});

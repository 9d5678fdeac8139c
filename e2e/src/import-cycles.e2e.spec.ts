import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { REPO_ROOT } from './harness';

// The cycle check `npm run build` runs (`npm run boundaries` → `npm run cycles`: dependency-cruiser with
// .dependency-cruiser.cjs), applied to planted files: a cycle of any kind must fail it, type-only included
// (ESLint's import/no-cycle skips `import type`, which is how most two-file circles start).
describe('import cycles', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cycles-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const plant = (folder: string, files: Record<string, string>) => {
    fs.mkdirSync(path.join(dir, folder));
    for (const [name, code] of Object.entries(files)) fs.writeFileSync(path.join(dir, folder, name), code);
  };
  const cruise = () => {
    const run = spawnSync(
      path.join(REPO_ROOT, 'node_modules/.bin/depcruise'),
      ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', dir],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    // Colour codes split "error no-circular" when the suite runs under nx (FORCE_COLOR): plain text only.
    return { status: run.status, output: `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '') };
  };

  const CYCLES: Record<string, Record<string, string>> = {
    'type-only-both-ways': {
      'a.ts': "import type { B } from './b';\nexport interface A { b?: B }\n",
      'b.ts': "import type { A } from './a';\nexport interface B { a?: A }\n",
    },
    'helper-one-way-type-back': {
      'routes.ts':
        "import { review } from './review';\nexport interface Ctx { path: string }\nexport const r = review;\n",
      'review.ts': "import type { Ctx } from './routes';\nexport const review = (c: Ctx) => c.path;\n",
    },
    'three-files-through-a-re-export': {
      'a.ts': "export * from './b';\nexport const a = 1;\n",
      'b.ts': "import { c } from './c';\nexport const b = c;\n",
      'c.ts': "import type { a } from './a';\nexport const c: typeof a = 1;\n",
    },
  };
  // The shape each circle above should take instead: the shared type in its own file.
  const UNTIED = {
    'ctx.ts': 'export interface Ctx { path: string }\n',
    'routes.ts':
      "import type { Ctx } from './ctx';\nimport { review } from './review';\nexport const r = (c: Ctx) => review(c);\n",
    'review.ts': "import type { Ctx } from './ctx';\nexport const review = (c: Ctx) => c.path;\n",
  };

  // One cruise over all the planted folders (each run loads TypeScript: seconds).
  it('fails on every planted cycle, type-only ones included, naming its files, and passes the untied shape', () => {
    for (const [folder, files] of Object.entries(CYCLES)) plant(folder, files);
    plant('untied', UNTIED);
    const { status, output } = cruise();
    expect(status).not.toBe(0);
    // The whole output in the failure message when the count is off: it says what depcruise saw instead.
    expect({ count: output.match(/error no-circular/g)?.length ?? 0, output }).toEqual({
      count: Object.keys(CYCLES).length,
      output,
    });
    for (const [folder, files] of Object.entries(CYCLES))
      for (const name of Object.keys(files)) expect(output).toContain(`${folder}/${name}`);
    expect(output).not.toContain('untied/');
  });

  it('passes a tree without cycles', () => {
    plant('untied', UNTIED);
    expect(cruise()).toEqual({ status: 0, output: expect.stringContaining('no dependency violations') });
  });

  // The whole tree is cruised by every build; here only that the build does run it, with this config.
  it('is what the build runs, over the whole tree', () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts['build']).toContain('npm run --silent boundaries');
    expect(scripts['boundaries']).toContain('npm run --silent cycles');
    expect(scripts['cycles']).toMatch(/^depcruise --config \.dependency-cruiser\.cjs .*\bapps libs e2e\b/);
  });
});

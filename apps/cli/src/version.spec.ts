import { readFileSync } from 'node:fs';
import path from 'node:path';

import { cliVersion } from './version';

describe('nightshift --version', () => {
  it("is the CLI package's version", () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(cliVersion()).toBe(pkg.version);
    expect(cliVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

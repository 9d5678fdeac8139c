import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parseConfig } from './load-config';

/** The annotated example in docs/configuration.md is a real config: it must load, so the docs cannot drift. */
describe('the example in docs/configuration.md', () => {
  it('is a valid nightshift.yaml', () => {
    const doc = readFileSync(path.resolve(__dirname, '../../../docs/configuration.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(yaml).toBeDefined();
    const config = parseConfig(yaml!, '/srv/nightshift/nightshift.yaml');
    expect(config.repos[0]?.name).toBe('api');
    expect(config.agent.model).toBe('sonnet');
  });
});

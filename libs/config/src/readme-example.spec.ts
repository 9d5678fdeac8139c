import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from './load-config';

/** The configuration reference in the README is a real config: it must load, so the docs cannot drift. */
describe('the README configuration reference', () => {
  it('is a valid nightshift.yaml', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const config = parseConfig(yaml!, '/srv/nightshift/nightshift.yaml');
    expect(config.repos[0]?.name).toBe('api');
    expect(config.agent.model).toBe('sonnet');
  });
});

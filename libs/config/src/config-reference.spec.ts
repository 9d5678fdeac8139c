import { readFileSync } from 'node:fs';
import path from 'node:path';

import { z } from 'zod';

import { configReference, generatedBlock, replaceGeneratedBlock } from './config-reference';
import { configSchema } from './schema';

const DOC = path.resolve(__dirname, '../../../docs/configuration.md');

describe('the generated configuration reference (docs/configuration.md)', () => {
  it('is what the schema gives today: after a schema change, run `npm run docs:config` and commit the file', () => {
    expect(generatedBlock(readFileSync(DOC, 'utf8'))).toBe(configReference());
  });

  it('lists every top-level key with its default', () => {
    const reference = configReference();
    for (const key of Object.keys(configSchema.shape))
      expect(reference).toMatch(new RegExp(`^\\| \`${key}[\` .(]`, 'm'));
    expect(reference).toContain('| `routing.maxAttempts` | integer | `3` |');
  });

  it('changes with the schema, so a doc left behind fails the first test', () => {
    const changed = z.object({ ...configSchema.shape, newKey: z.number().int().min(1).default(7) });
    const withNewKey = z.toJSONSchema(changed, { io: 'input', unrepresentable: 'any' });
    expect(JSON.stringify(withNewKey)).toContain('newKey');
    expect(configReference(changed)).toContain('| `newKey` | integer | `7` | ≥ 1, integer |');
    expect(configReference(changed)).not.toBe(configReference());
  });

  it('replaces only the block between its markers', () => {
    const doc =
      'intro\n<!-- BEGIN GENERATED: config-reference -->\nold\n<!-- END GENERATED: config-reference -->\nafter\n';
    const next = replaceGeneratedBlock(doc, 'new\n');
    expect(next).toBe(
      'intro\n<!-- BEGIN GENERATED: config-reference -->\nnew\n<!-- END GENERATED: config-reference -->\nafter\n',
    );
    expect(generatedBlock(next)).toBe('new\n');
  });
});

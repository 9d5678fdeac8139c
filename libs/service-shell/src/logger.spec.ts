import { Writable } from 'node:stream';

import { createLogger } from './logger';

describe('createLogger', () => {
  it('redacts secrets by key and by value', async () => {
    process.env['NIGHTSHIFT_TEST_API_KEY'] = 'lin_api_supersecretvalue';
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('test', 'info', sink);
    logger.info(
      { token: 'tok-123456789', headers: { authorization: 'Bearer xyz' } },
      'calling with lin_api_supersecretvalue',
    );
    await new Promise((r) => setImmediate(r));
    delete process.env['NIGHTSHIFT_TEST_API_KEY'];
    const out = lines.join('');
    expect(out).toContain('calling with');
    expect(out).not.toContain('tok-123456789');
    expect(out).not.toContain('Bearer xyz');
    expect(out).not.toContain('lin_api_supersecretvalue');
  });
});

import { LexicalBm25Embedder } from '../embedders/lexical-bm25.embedder';
import { codeTerms } from './code-terms';

describe('codeTerms', () => {
  it('splits camelCase, snake_case and paths, and keeps the whole identifier too', () => {
    expect(codeTerms('parseConfig')).toEqual(expect.arrayContaining(['parseconfig', 'pars', 'config']));
    expect(codeTerms('parse_config')).toEqual(expect.arrayContaining(['parseconfig', 'pars', 'config']));
    expect(codeTerms('src/config/parse_config.ts')).toEqual(expect.arrayContaining(['src', 'config', 'ts']));
    expect(codeTerms('HTTPServer')).toEqual(expect.arrayContaining(['http', 'serv']));
  });

  it('keeps error codes whole, drops short numbers and stop words, stems suffixes', () => {
    expect(codeTerms('TS2339 at line 12 with ERESOLVE')).toEqual(expect.arrayContaining(['ts2339', 'eresolv']));
    expect(codeTerms('exit 137 at line 12')).toContain('137');
    expect(codeTerms('exit 137 at line 12')).not.toContain('12');
    expect(codeTerms('the tests are failing')).not.toContain('the');
    expect(codeTerms('migrations')).toEqual(codeTerms('migration'));
  });

  it('gives a word of a family of failure vocabulary its family term', () => {
    expect(codeTerms('deadline exceeded')).toContain('~timeout');
    expect(codeTerms('the job hangs')).toContain('~timeout');
  });
});

describe('LexicalBm25Embedder', () => {
  const e = new LexicalBm25Embedder();
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

  it('scores "timeout" against "deadline exceeded" above zero (feature hashing scored it 0)', () => {
    const doc = e.documentVector('request failed: context deadline exceeded');
    expect(
      dot(
        doc,
        e.queryVector('the call times out', () => 1),
      ),
    ).toBeGreaterThan(0.1);
  });

  it('weighs a rare query term over a common one (IDF)', () => {
    const rare = e.documentVector('gradle wrapper');
    const common = e.documentVector('build wrapper');
    const idf = (t: string) => (t === 'gradl' ? 5 : 0.2);
    const q = e.queryVector('gradle build', idf);
    expect(dot(rare, q)).toBeGreaterThan(dot(common, q));
  });
});

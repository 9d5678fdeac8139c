import { parseDuration } from './commands/pause.action';
import { formatTable } from './format-table';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1.5h', 5_400_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('names the flag and the accepted forms for anything else', () => {
    expect(() => parseDuration('soon')).toThrow('--for "soon" is not a duration like 90s, 30m, 2h or 1d');
    expect(() => parseDuration('10')).toThrow(/not a duration/);
  });
});

describe('formatTable', () => {
  it('aligns columns to the widest cell', () => {
    expect(
      formatTable(
        ['KEY', 'STATE'],
        [
          ['NS-1', 'In Review'],
          ['NS-10', 'Done'],
        ],
      ),
    ).toBe('KEY    STATE\nNS-1   In Review\nNS-10  Done');
  });

  it('shows control characters in a cell escaped, and aligns on what is shown', () => {
    const out = formatTable(['KEY', 'TITLE'], [['NS-1', '\u001b[31mred\u001b]52;c;ZXZpbA==\u0007\nline']]);
    expect(out).toBe('KEY   TITLE\nNS-1  \\e[31mred\\e]52;c;ZXZpbA==\\x07\\nline');
    expect(out.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

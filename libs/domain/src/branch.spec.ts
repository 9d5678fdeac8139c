import { branchForTicket, safeKey } from './branch';

describe('safeKey', () => {
  it.each([
    ['ENG-12', 'ENG-12'],
    ['../../etc', 'etc-'],
    ['a/b', 'a-b-'],
    ['$(x)', 'x-'],
    ['`rm -rf ~`', 'rm--rf'],
  ])('keeps %s to a safe token starting with %s', (input, prefix) => {
    const key = safeKey(input);
    expect(key).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
    expect(key.startsWith(prefix)).toBe(true);
    expect(key).not.toContain('..');
  });

  it('keeps distinct unsafe keys distinct and caps long ones', () => {
    expect(safeKey('a/b')).not.toBe(safeKey('a-b'));
    expect(safeKey('x'.repeat(300)).length).toBeLessThanOrEqual(80);
    expect(safeKey('x'.repeat(300))).not.toBe(safeKey('x'.repeat(299)));
  });

  it('names the branch after the ticket', () => {
    expect(branchForTicket('ENG-7')).toBe('agent/ENG-7');
  });
});

import { humanDuration } from './human-duration';

describe('humanDuration', () => {
  it.each([
    [0, '0 ms'],
    [1_000, '1.0 s'],
    [430, '430 ms'],
    [9_940, '9.9 s'],
    [12_300, '12 s'],
    [125_000, '2 min 05 s'],
    [3_720_000, '1 h 02 min'],
    [-1, 'unknown'],
  ])('%d ms reads %s', (ms, text) => expect(humanDuration(ms)).toBe(text));
});

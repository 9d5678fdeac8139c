import { assertBranchName, InvalidRefError } from './index';

describe('assertBranchName', () => {
  // `$(x)` is a legal branch name; it is harmless because git only ever receives it as one argv entry.
  it.each(['main', 'agent/ENG-12', 'release/1.2', 'agent/x--1a2b3c4d', '$(x)`'])('accepts %s', (name) => {
    expect(() => assertBranchName(name)).not.toThrow();
  });

  it.each([
    '',
    '-f',
    '--force',
    'a..b',
    'a b',
    'a~1',
    'a^',
    'a:b',
    'x.lock',
    'a/.hidden',
    '/a',
    'a/',
    'a//b',
    'a.',
    '@',
    'a@{1}',
  ])('rejects %j', (name) => {
    expect(() => assertBranchName(name)).toThrow(InvalidRefError);
  });
});

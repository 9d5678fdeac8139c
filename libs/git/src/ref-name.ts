import { InvalidRefError } from './errors/invalid-ref.error';

// git check-ref-format's rules for a branch, checked here so a bad name fails before any git admin work
// and so nothing starting with '-' can ever be read by git as an option.
const FORBIDDEN_CHARS = /[\x00-\x20~^:?*[\\\x7f]/;

/** Throws InvalidRefError unless `name` is a branch name git accepts (`agent/ENG-12`, `main`). */
export function assertBranchName(name: string, kind = 'branch name'): void {
  const fail = (reason: string): never => {
    throw new InvalidRefError(kind, name, reason);
  };
  if (name.length === 0) fail('it is empty');
  if (name.length > 200) fail('it is longer than 200 characters');
  if (name.startsWith('-')) fail('it starts with "-" (git would read it as an option)');
  if (FORBIDDEN_CHARS.test(name)) fail('it contains a space, a control character or one of ~ ^ : ? * [ \\');
  if (name.includes('..') || name.includes('@{') || name === '@') fail('it contains "..", "@{" or is "@"');
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) fail('it has an empty path component');
  if (name.endsWith('.')) fail('it ends with "."');
  for (const part of name.split('/')) {
    if (part.startsWith('.')) fail('a path component starts with "."');
    if (part.endsWith('.lock')) fail('a path component ends with ".lock"');
  }
}

/** Throws InvalidRefError when a remote URL could be read by git as an option. */
export function assertRemoteUrl(url: string): void {
  if (url.length === 0) throw new InvalidRefError('remote URL', url, 'it is empty');
  if (url.startsWith('-')) throw new InvalidRefError('remote URL', url, 'it starts with "-"');
}

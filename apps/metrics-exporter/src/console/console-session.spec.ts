import { CONSOLE_COOKIE, operatorFromCookie, SESSION_SEC, sessionCookie, sessionValue } from './console-session';

const TOKEN = 'the-operator-token-123';
const cookieOf = (value: string) => `other=1; ${CONSOLE_COOKIE}=${value}`;

describe('the console login cookie', () => {
  it('names the operator who logged in with the token, and never holds the token', () => {
    const value = sessionValue(TOKEN, 'dana');
    expect(operatorFromCookie(TOKEN, cookieOf(value))).toBe('dana');
    expect(value).not.toContain(TOKEN);
    expect(sessionCookie(value, false)).toMatch(/HttpOnly; SameSite=Strict; Path=\//);
    expect(sessionCookie(value, true)).toMatch(/; Secure$/);
  });

  it('is refused once changed, made with another token, expired, or after the token changes', () => {
    const now = Date.now();
    const value = sessionValue(TOKEN, 'dana', now);
    const [, exp, mac] = value.split('.');
    const renamed = `${Buffer.from('admin').toString('base64url')}.${exp}.${mac}`;
    expect(operatorFromCookie(TOKEN, cookieOf(renamed))).toBeNull();
    expect(operatorFromCookie(TOKEN, cookieOf(sessionValue('another-token-12345678', 'dana')))).toBeNull();
    expect(operatorFromCookie('a-new-token-0000000000', cookieOf(value))).toBeNull();
    expect(operatorFromCookie(TOKEN, cookieOf(value), now + SESSION_SEC * 1000 + 1000)).toBeNull();
    expect(operatorFromCookie(undefined, cookieOf(value))).toBeNull();
    expect(operatorFromCookie(TOKEN, 'nightshift_console=garbage')).toBeNull();
  });

  it('a logout clears it', () => {
    expect(sessionCookie(null, false)).toMatch(new RegExp(`^${CONSOLE_COOKIE}=; Max-Age=0;`));
  });
});

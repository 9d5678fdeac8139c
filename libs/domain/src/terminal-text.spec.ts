import { escapeForTerminal, singleLine, withoutControls } from './terminal-text';

const RED = '\u001b[31mred\u001b[0m';
const OSC52 = '\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007';

describe('escapeForTerminal', () => {
  it('shows ANSI and OSC 52 sequences as visible text the terminal does not act on', () => {
    const out = escapeForTerminal(`${RED} ${OSC52} bell\u0007 c1\u009b del\u007f rtl\u202e`);
    expect(out).toBe('\\e[31mred\\e[0m \\e]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07 bell\\x07 c1\\x9b del\\x7f rtl\\u{202e}');
    expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('escapes line breaks in a table cell, keeps them in a body when asked', () => {
    expect(escapeForTerminal('a\nb\tc\r')).toBe('a\\nb\\tc\\r');
    expect(escapeForTerminal('a\nb\tc\u001b', { keepNewlines: true })).toBe('a\nb\tc\\e');
  });

  it('leaves ordinary text, accents and emoji alone', () => {
    expect(escapeForTerminal('Fix café 🚀 [api]')).toBe('Fix café 🚀 [api]');
  });
});

describe('singleLine', () => {
  it('drops escape sequences whole and turns newlines into spaces', () => {
    expect(singleLine(`NS-1: ${RED} title\nsecond line\r\n${OSC52}third`, 200)).toBe(
      'NS-1: red title second line third',
    );
  });

  it('caps long text with an ellipsis, counting characters not bytes', () => {
    const out = singleLine(`NS-2: ${'é'.repeat(500)}`, 72);
    expect([...out]).toHaveLength(72);
    expect(out.endsWith('…')).toBe(true);
    expect(singleLine('short', 72)).toBe('short');
  });
});

describe('withoutControls', () => {
  it('keeps newlines and tabs, drops every other control and sequence', () => {
    expect(withoutControls(`line 1\r\n${RED}\tx\u0007\n${OSC52}end`)).toBe('line 1\nred\tx\nend');
  });
});

// U+200B: invisible, so the text reads the same, but it splits the token a forge or tracker would act on.
const ZWSP = '\u200b';

// GitHub's and Linear's closing words (https://docs.github.com/…/linking-a-pull-request-to-an-issue, Linear's
// "magic words"), each followed by what they would close: `#1`, `owner/repo#1`, `ENG-12`, an issue URL.
const CLOSING =
  /\b(clos(?:e[sd]?|ing)|fix(?:e[sd]|ing)?|resolv(?:e[sd]?|ing)|complet(?:e[sd]?|ing))(:?[ \t]+)(?=(?:[\w.-]+\/[\w.-]+)?#\d|[A-Za-z][A-Za-z0-9]*-\d+|https?:\/\/)/gi;
// `@user`, `@org/team` (not an email address: the `@` must not follow a word character).
const MENTION = /(^|[^\w`])@(?=[A-Za-z0-9])/g;
// An HTML tag or comment (`<!-- nightshift:tickets X -->`, `<img …>`, `<details>`).
const HTML_OPEN = /<(?=[!/?A-Za-z])/g;

/**
 * The one policy for text Nightshift posts but did not write (the agent's summary and output, ticket titles) in
 * PR bodies, commit messages and tracker comments: quoted, never obeyed. `@` mentions ping nobody, closing
 * keywords close nothing (only Nightshift's own closing line does), and HTML (comments included, so no second
 * `nightshift:tickets` marker) stays text. The words read the same to a human.
 */
export function inertText(text: string): string {
  return text
    .replace(HTML_OPEN, `<${ZWSP}`)
    .replace(MENTION, `$1@${ZWSP}`)
    .replace(CLOSING, (_m, word: string, gap: string) => `${word[0]}${ZWSP}${word.slice(1)}${gap}`);
}

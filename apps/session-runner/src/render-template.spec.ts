import { buildPrompt, DEFAULT_TEMPLATE } from './build-prompt';
import { newFence } from './data-fence';
import { asksForExternalChange } from './external-ask';
import { PromptTemplateError, renderTemplate } from './render-template';

const ticket = {
  key: 'NS-1',
  title: '$(rm -rf ~) {{repo}}',
  description: 'body `x`',
  state: 'In Progress',
  labels: [],
  priority: 0,
  createdAt: '',
  updatedAt: '',
  url: '',
  comments: [],
};

describe('renderTemplate', () => {
  it('fails on an unknown variable, naming it and the ones available', () => {
    expect(() =>
      renderTemplate('Fix {{tickts}} in {{repo}}', { repo: 'api', tickets: '' }, 'api:.nightshift/prompt.md'),
    ).toThrow(PromptTemplateError);
    expect(() => renderTemplate('{{tickts}}', { repo: 'api' }, 'x.md')).toThrow(
      /x\.md uses unknown variable\(s\) \{\{tickts\}\}; available: \{\{repo\}\}/,
    );
  });

  it('never re-expands values: ticket text stays literal', () => {
    const prompt = buildPrompt({
      repo: 'api',
      branch: 'agent/NS-1',
      tickets: [ticket],
      rules: [{ name: 'CLAUDE.md', content: 'be nice' }],
      maxTokens: 60_000,
    }).text;
    expect(prompt).toContain('Ticket: NS-1');
    expect(prompt).toMatch(/begin: ticket NS-1 title⟧\n\$\(rm -rf ~\) \{\{repo\}\}\n⟦data [0-9a-f]{16} end⟧/);
    expect(prompt).toContain('Repository rules from CLAUDE.md:\nbe nice');
  });

  it('renders a repo template with learnings', () => {
    const prompt = buildPrompt({
      repo: 'api',
      branch: 'b',
      tickets: [ticket],
      rules: [],
      learnings: ['run npm test first'],
      template: { text: 'T={{ticketKeys}} L={{learnings}}', source: 'repo' },
      maxTokens: 60_000,
      fence: newFence('n0nce'),
    }).text;
    expect(prompt).toBe(
      `${newFence('n0nce').frame}\n\nT=NS-1 L=⟦data n0nce begin: notes from earlier runs on this repo⟧\n- run npm test first\n⟦data n0nce end⟧\n`,
    );
    expect(DEFAULT_TEMPLATE).toContain('{{learnings}}');
  });

  it("puts a follow-up's review feedback in {{review}}, or after a repo template that has no slot for it; nothing when there is none", () => {
    const build = (text: string, review?: string) =>
      buildPrompt({
        repo: 'api',
        branch: 'b',
        tickets: [ticket],
        rules: [],
        review,
        template: { text, source: 'repo' },
        maxTokens: 60_000,
        fence: newFence('n0nce'),
      }).text;
    const frame = `${newFence('n0nce').frame}\n\n`;
    const block = '⟦data n0nce begin: review feedback and CI output on the pull request⟧\nrename it\n⟦data n0nce end⟧';
    expect(build('T={{ticketKeys}} R={{review}}.', 'rename it')).toBe(`${frame}T=NS-1 R=${block}\n.`);
    expect(build('T={{ticketKeys}}', 'rename it')).toBe(`${frame}T=NS-1\n\n${block}`);
    expect(build('T={{ticketKeys}}')).toBe(`${frame}T=NS-1`);
    const fence = newFence('n0nce');
    const plain = buildPrompt({
      repo: 'api',
      branch: 'b',
      tickets: [ticket],
      rules: [],
      maxTokens: 60_000,
      fence,
    }).text;
    const withReview = buildPrompt({
      repo: 'api',
      branch: 'b',
      tickets: [ticket],
      rules: [],
      review: 'REVIEW NOTES\n',
      maxTokens: 60_000,
      fence,
    }).text;
    expect(withReview.indexOf('REVIEW NOTES')).toBeGreaterThan(withReview.indexOf('Ticket: NS-1'));
    expect(
      withReview.replace(
        '⟦data n0nce begin: review feedback and CI output on the pull request⟧\nREVIEW NOTES\n\n⟦data n0nce end⟧\n',
        '',
      ),
    ).toBe(plain);
  });
});

describe('asksForExternalChange', () => {
  it.each([
    ['Please update the DATABASE_URL environment variable in the Vercel dashboard.', true],
    ['You need to change the DNS settings for the domain.', true],
    ['Fixed the off-by-one in pagination; all tests pass.', false],
    ['I updated the config parser in src/config.ts.', false],
  ])('%s → %s', (text, expected) => {
    expect(asksForExternalChange(text)).toBe(expected);
  });
});

import { buildPrompt, DEFAULT_TEMPLATE } from './build-prompt';
import { PromptTemplateError, renderTemplate } from './render-template';
import { asksForExternalChange } from './external-ask';

const ticket = { key: 'NS-1', title: '$(rm -rf ~) {{repo}}', description: 'body `x`', state: 'In Progress', labels: [], priority: 0, createdAt: '', updatedAt: '', url: '', comments: [] };

describe('renderTemplate', () => {
  it('fails on an unknown variable, naming it and the ones available', () => {
    expect(() => renderTemplate('Fix {{tickts}} in {{repo}}', { repo: 'api', tickets: '' }, 'api:.nightshift/prompt.md')).toThrow(PromptTemplateError);
    expect(() => renderTemplate('{{tickts}}', { repo: 'api' }, 'x.md')).toThrow(/x\.md uses unknown variable\(s\) \{\{tickts\}\}; available: \{\{repo\}\}/);
  });

  it('never re-expands values: ticket text stays literal', () => {
    const prompt = buildPrompt({ repo: 'api', branch: 'agent/NS-1', tickets: [ticket], rules: [{ name: 'CLAUDE.md', content: 'be nice' }], maxTokens: 60_000 }).text;
    expect(prompt).toContain('Ticket: NS-1');
    expect(prompt).toContain('Title: $(rm -rf ~) {{repo}}');
    expect(prompt).toContain('Repository rules from CLAUDE.md:\nbe nice');
  });

  it('renders a repo template with learnings', () => {
    const prompt = buildPrompt({ repo: 'api', branch: 'b', tickets: [ticket], rules: [], learnings: ['run npm test first'], template: { text: 'T={{ticketKeys}} L={{learnings}}', source: 'repo' }, maxTokens: 60_000 }).text;
    expect(prompt).toBe('T=NS-1 L=Learnings from earlier sessions on this repo:\n- run npm test first\n');
    expect(DEFAULT_TEMPLATE).toContain('{{learnings}}');
  });

  it('puts a follow-up\'s review feedback in {{review}}, or after a repo template that has no slot for it; nothing when there is none', () => {
    const build = (text: string, review?: string) => buildPrompt({ repo: 'api', branch: 'b', tickets: [ticket], rules: [], review, template: { text, source: 'repo' }, maxTokens: 60_000 }).text;
    expect(build('T={{ticketKeys}} R={{review}}.', 'rename it')).toBe('T=NS-1 R=rename it.');
    expect(build('T={{ticketKeys}}', 'rename it')).toBe('T=NS-1\n\nrename it');
    expect(build('T={{ticketKeys}}')).toBe('T=NS-1');
    const plain = buildPrompt({ repo: 'api', branch: 'b', tickets: [ticket], rules: [], maxTokens: 60_000 }).text;
    const withReview = buildPrompt({ repo: 'api', branch: 'b', tickets: [ticket], rules: [], review: 'REVIEW NOTES\n', maxTokens: 60_000 }).text;
    expect(withReview.indexOf('REVIEW NOTES')).toBeGreaterThan(withReview.indexOf('Ticket: NS-1'));
    expect(withReview.replace('REVIEW NOTES\n', '')).toBe(plain);
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

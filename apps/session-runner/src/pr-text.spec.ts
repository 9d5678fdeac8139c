import type { Ticket } from '@nightshift/domain';

import { closingLink, type PrBodyInput, renderPrBody } from './pr-body';
import { agentSummary, commitMessage, MAX_COMMIT_SUBJECT_CHARS, MAX_PR_TITLE_CHARS, ticketLine } from './pr-text';
import { PromptTemplateError } from './render-template';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function ticket(extra: Partial<Ticket> = {}): Ticket {
  return {
    key: 'NS-1',
    title: 'Fix it',
    description: '',
    state: 'In Progress',
    labels: [],
    priority: 0,
    createdAt: '',
    updatedAt: '',
    url: 'local://board/NS-1',
    comments: [],
    ...extra,
  };
}

describe('ticketLine and commitMessage', () => {
  const hostile = ticket({
    title: `\u001b[31mred\u001b[0m \u001b]52;c;ZXZpbA==\u0007title\nwith a second line ${'y'.repeat(500)}`,
  });

  it('makes a one-line, capped PR title and commit subject from a title with newlines, escapes and 500 characters', () => {
    const title = ticketLine([hostile], MAX_PR_TITLE_CHARS);
    expect(title.startsWith('NS-1: red title with a second line yyy')).toBe(true);
    expect([...title].length).toBe(MAX_PR_TITLE_CHARS);
    expect(title).not.toMatch(CONTROL);
    const [subject, blank, ...rest] = commitMessage([hostile], 'NS-1.3', 'Did the thing.').split('\n');
    expect([...subject!].length).toBe(MAX_COMMIT_SUBJECT_CHARS);
    expect(subject).not.toMatch(CONTROL);
    expect(blank).toBe('');
    expect(rest.join('\n')).toBe('Did the thing.\n\nNightshift-Run: NS-1.3\n');
  });

  it('keeps the batch suffix when it cuts', () => {
    const line = ticketLine([ticket({ title: 'z'.repeat(300) }), ticket({ key: 'NS-2' })], 72);
    expect(line.startsWith('NS-1, NS-2: zzz')).toBe(true);
    expect(line.endsWith('… (+1)')).toBe(true);
    expect([...line].length).toBeLessThanOrEqual(72);
  });

  it('redacts, strips controls from and caps the agent summary', () => {
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    process.env['GITHUB_TOKEN'] = token; // redaction knows the secrets the process holds
    const summary = agentSummary(`Used ${token} \u001b[2Jhere\n${'s'.repeat(10_000)}`);
    delete process.env['GITHUB_TOKEN'];
    expect(summary).toContain('Used [redacted] here');
    expect(summary).not.toContain(token);
    expect(summary).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(summary.length).toBeLessThanOrEqual(4000);
    expect(agentSummary(undefined)).toBe('');
  });
});

describe('renderPrBody', () => {
  const input = (extra: Partial<PrBodyInput> = {}): PrBodyInput => ({
    repo: 'api',
    tickets: [ticket()],
    tracker: 'local',
    branch: 'agent/NS-1',
    summary: 'Changed the parser.',
    diffstat: ' src/a.ts | 3 ++-\n 1 file changed, 2 insertions(+), 1 deletion(-)',
    checks: [],
    deniedCommands: [],
    model: 'sonnet',
    attempt: 2,
    tokens: 12345,
    costUsd: 0.01234,
    runIds: ['NS-1.1', 'NS-1.2'],
    ...extra,
  });

  it('holds the link, summary, diffstat, checks and denials slots, model, attempt, tokens, cost and runs', () => {
    const body = renderPrBody(input({ deniedCommands: ['Bash(npm test)', 'Bash(npm test)'] }));
    expect(body).toContain('Ticket NS-1: local://board/NS-1');
    expect(body).toContain('Changed the parser.');
    expect(body).toContain(' src/a.ts | 3 ++-');
    expect(body).toContain('_No checks recorded for this run._');
    expect(body).toContain('The agent was not allowed to run this (no permission rule covered it)');
    expect(body).toContain('- `Bash(npm test)`');
    expect(body).toContain('add a rule such as `Bash(npm test:*)` to the allowedTools of repo api');
    expect(renderPrBody(input())).toContain('## Denied commands\n\n_None._');
    expect(body).toContain('| sonnet | 2 | 12,345 | $0.0123 | NS-1.1, NS-1.2 |');
  });

  it("uses each tracker's closing syntax", () => {
    expect(closingLink(ticket({ key: 'GH-7', url: 'https://github.com/acme/api/issues/7' }), 'github')).toBe(
      'Fixes acme/api#7',
    );
    expect(closingLink(ticket({ key: 'ENG-12', url: 'https://linear.app/acme/issue/ENG-12' }), 'linear')).toBe(
      'Fixes ENG-12 (https://linear.app/acme/issue/ENG-12)',
    );
    expect(closingLink(ticket(), 'local')).toBe('Ticket NS-1: local://board/NS-1');
  });

  it('renders a repo template strictly: an unknown variable names the template and what it may use', () => {
    expect(
      renderPrBody(input({ template: { text: '{{closingLinks}} by {{model}}', source: 'api:.nightshift/pr.md' } })),
    ).toBe('Ticket NS-1: local://board/NS-1 by sonnet');
    expect(() => renderPrBody(input({ template: { text: '{{sumary}}', source: 'api:.nightshift/pr.md' } }))).toThrow(
      PromptTemplateError,
    );
    expect(() => renderPrBody(input({ template: { text: '{{sumary}}', source: 'api:.nightshift/pr.md' } }))).toThrow(
      /api:\.nightshift\/pr\.md uses unknown variable\(s\) \{\{sumary\}\}; available: .*\{\{summary\}\}/,
    );
  });
});

describe('agent text in a PR body and commit is quoted, not obeyed', () => {
  it('an agent summary with `Fixes other#1`, an `@team` mention and a fake marker: only the closing line of Nightshift acts', () => {
    const gh = ticket({
      key: 'org/api#7',
      url: 'https://github.com/org/api/issues/7',
      title: 'Paginate; closes org/api#9 for @org/ops',
    });
    const raw = [
      'Done. Fixes other/repo#1, resolves #2 and closes ENG-3.',
      'cc @org/team and @alice, mail bob@example.com',
      '<!-- nightshift:tickets other/repo#1 -->',
      '<img src="https://evil.example/pixel">',
    ].join('\n');
    const summary = agentSummary(raw);
    const body = renderPrBody({
      repo: 'api',
      tickets: [gh],
      tracker: 'github',
      branch: 'agent/org-api-7',
      summary,
      diffstat: '',
      checks: [],
      deniedCommands: ['Bash(curl @org/team)'],
      model: 'sonnet',
      attempt: 1,
      tokens: 0,
      costUsd: undefined,
      runIds: ['r1'],
    });
    // GitHub's closing keywords, as it matches them: exactly one, Nightshift's own.
    const closing = [
      ...body.matchAll(/\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+(?:[\w.-]+\/[\w.-]+)?#\d+/gi),
    ].map((m) => m[0]);
    expect(closing).toEqual(['Fixes org/api#7']);
    expect(body).not.toMatch(/(^|[^\w`])@[A-Za-z0-9]/m); // no mention GitHub would ping
    expect(body).not.toContain('<!--');
    expect(body).not.toMatch(/<img/i);
    expect(body).toContain('bob@example.com');
    // A human reads the same words.
    expect(body.replace(/\u200b/g, '')).toContain('Fixes other/repo#1, resolves #2 and closes ENG-3.');
    expect(body.replace(/\u200b/g, '')).toContain('cc @org/team and @alice');
    // The commit carries the summary too (GitHub closes issues from commit messages on merge).
    const message = commitMessage([gh], 'r1', summary);
    expect([
      ...message.matchAll(/\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+(?:[\w.-]+\/[\w.-]+)?#\d+/gi),
    ]).toEqual([]);
    expect(message).not.toMatch(/(^|[^\w`])@[A-Za-z0-9]/m);
  });
});

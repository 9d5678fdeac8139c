import { routeTicket } from './route-ticket';

const repos = [
  { name: 'api', labels: ['backend'], keywords: ['endpoint'] },
  { name: 'web', labels: ['frontend'], keywords: ['button', 'css'] },
];
const ticket = (title: string, labels: string[] = [], description = '') => ({ title, labels, description });

describe('routeTicket', () => {
  it('prefers the [repo] title prefix over labels and keywords', () => {
    expect(routeTicket(ticket('[web] fix endpoint', ['backend']), repos)).toEqual({
      kind: 'routed',
      repo: 'web',
      by: 'prefix',
    });
  });

  it('falls back to labels, then keywords', () => {
    expect(routeTicket(ticket('fix it', ['Backend']), repos)).toMatchObject({ repo: 'api', by: 'label' });
    expect(routeTicket(ticket('the button is blue'), repos)).toMatchObject({ repo: 'web', by: 'keyword' });
  });

  it('matches keywords as words only', () => {
    expect(routeTicket(ticket('buttons everywhere'), repos).kind).toBe('unknown');
  });

  it('explains an unknown repo, naming the prefix that matched nothing', () => {
    const decision = routeTicket(ticket('[mobile] crash on launch'), repos);
    expect(decision.kind).toBe('unknown');
    if (decision.kind === 'unknown') {
      expect(decision.reason).toContain('[mobile]');
      expect(decision.reason).toContain('api, web');
    }
  });

  it('treats shell metacharacters in the title as plain text', () => {
    expect(routeTicket(ticket('$(rm -rf ~) `id` ../../'), repos).kind).toBe('unknown');
  });
});

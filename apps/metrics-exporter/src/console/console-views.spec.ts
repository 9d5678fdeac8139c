import { parseConfig } from '@nightshift/config';

import type { TicketRow } from './console-data';
import { escapeHtml, html } from './html';
import { page } from './layout';
import { ticketsView } from './tickets.view';

const config = parseConfig(
  'repos: [{ name: api, remote: ./api.git }]\nhosts: [{ name: h1, capabilities: [linux], slots: 1 }]\n',
  '/tmp/console-views/nightshift.yaml',
);
const row = (over: Partial<TicketRow>): TicketRow => ({
  key: 'NS-1',
  title: 'a ticket',
  state: 'Needs Human',
  repo: 'api',
  attempts: 1,
  model: 'sonnet',
  lastOutcome: 'task_failed',
  reason: '',
  prUrl: '',
  needsHumanNote: 'attempt budget spent',
  paused: false,
  ...over,
});

describe('console views', () => {
  it('render ticket text inert: a title, reason or note with markup shows as text', () => {
    const out = ticketsView(
      [
        row({
          title: '<script>alert(1)</script>',
          reason: '<img src=x onerror=alert(2)>',
          needsHumanNote: '"><b>bold</b>',
          key: 'NS-1"><script>',
        }),
      ],
      {},
      config,
      { operator: 'dana' },
    ).markup;
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(out).toContain('&quot;&gt;&lt;b&gt;bold&lt;/b&gt;');
    expect(out).not.toMatch(/<script>|<img|<b>/);
  });

  it('a PR link outside http(s) is not a link a click can run', () => {
    const out = ticketsView([row({ prUrl: 'javascript:alert(1)' })], {}, config, { operator: 'dana' }).markup;
    expect(out).not.toContain('href="javascript:');
  });

  it('shows no action to a read-only reader, and Retry for a Needs Human ticket to an operator', () => {
    const reader = ticketsView([row({})], {}, config, { operator: null }).markup;
    expect(reader).not.toContain('data-post');
    const operator = ticketsView([row({})], {}, config, { operator: 'dana' }).markup;
    expect(operator).toContain('data-post="/api/v1/tickets/NS-1/retry"');
  });

  it('escapes the title and viewer name on every page; Html passes through unescaped once', () => {
    const out = page('overview', '<x>', { operator: '<dana>' }, html`<p>${'<y>'}</p>`).markup;
    expect(out).toContain('<title>&lt;x&gt; · Nightshift console</title>');
    expect(out).toContain('Operator: &lt;dana&gt;');
    expect(out).toContain('<p>&lt;y&gt;</p>');
    expect(escapeHtml(`'&"`)).toBe('&#39;&amp;&quot;');
  });
});

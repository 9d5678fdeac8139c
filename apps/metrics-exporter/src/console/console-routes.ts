import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { redactSecrets, secretValuesFromEnv } from '@nightshift/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { ApiAccess } from '../api-auth';
import { searchMemory } from '../memory-access';
import { refusal, securityHeaders, viewerOf } from './console-access';
import { ConsoleData, type ConsoleDeps } from './console-data';
import { registerConsoleLogin } from './console-login';
import { closeAllStreams } from './console-sse';
import { registerConsoleStreams, sessionRows } from './console-streams';
import { eventsView } from './events.view';
import { type Html, html } from './html';
import { page, type Viewer, type ViewName } from './layout';
import { memoryView } from './memory.view';
import { overviewView } from './overview.view';
import { type Grouping, GROUPINGS, runsView } from './runs.view';
import { sessionsView, transcriptView } from './sessions.view';
import { ticketsView } from './tickets.view';

/** The console's script and style ship beside dist/ in the package (and so in the image); nothing from a CDN. */
const ASSETS_DIR = path.join(__dirname, '..', '..', 'assets');
const ASSETS: Record<string, string> = { 'console.js': 'text/javascript', 'console.css': 'text/css' };

/**
 * The operator console under `/console`: server-rendered pages on the same readers as `/api/v1`, live over
 * Server-Sent Events; its buttons post JSON to `/api/v1`, so they pass the same checks as any API caller.
 */
export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps & { access: ApiAccess }): Promise<void> {
  const data = new ConsoleData(deps);
  const secrets = secretValuesFromEnv();
  app.addHook('preClose', async () => closeAllStreams());
  await app.register(
    async (c) => {
      // Pages, not API: kept out of /api/v1/openapi.json.
      c.addHook('onRoute', (route) => {
        route.schema = { ...route.schema, hide: true };
      });
      registerConsoleLogin(c, deps.access);
      registerConsoleStreams(c, deps, data, secrets);
      c.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
        const type = ASSETS[request.params.file];
        const file = path.join(ASSETS_DIR, request.params.file);
        if (!type || !existsSync(file)) return reply.code(404).send('no such asset');
        return securityHeaders(reply).type(type).send(readFileSync(file));
      });

      const view =
        (name: ViewName, title: string, body: (viewer: Viewer, request: FastifyRequest) => Promise<Html>) =>
        async (request: FastifyRequest, reply: FastifyReply) => {
          let viewer: Viewer | null;
          try {
            viewer = viewerOf(deps.access, request);
          } catch (err) {
            return refusal(reply, err);
          }
          if (viewer === null) return reply.redirect('/console/login');
          const markup = page(name, title, viewer, await body(viewer, request)).markup;
          return securityHeaders(reply).type('text/html; charset=utf-8').send(markup);
        };
      type Q = Record<string, string | undefined>;
      const query = (r: FastifyRequest): Q => (r.query ?? {}) as Q;

      c.get(
        '/',
        view('overview', 'Overview', async (viewer) => overviewView(await data.overview(), deps.config, viewer)),
      );
      c.get(
        '/tickets',
        view('tickets', 'Tickets', async (viewer, r) => {
          const f = { state: query(r)['state'] || undefined, repo: query(r)['repo'] || undefined };
          const rows = await data.ticketRows(f).catch((err: Error) => err);
          if (rows instanceof Error)
            return html`<p class="error">The tracker did not answer: ${redactSecrets(rows.message, secrets)}</p>`;
          return ticketsView(rows, f, deps.config, viewer);
        }),
      );
      c.get(
        '/sessions',
        view('sessions', 'Sessions', async () =>
          sessionsView(await sessionRows(deps, data, secrets), deps.config.agent.kind),
        ),
      );
      c.get<{ Params: { run: string } }>(
        '/sessions/:run',
        view('sessions', 'Session', async (_viewer, r) => {
          const key = (r.params as { run: string }).run;
          const record = await data.run(key);
          if (!record) return html`<p class="empty">No run ${key}.</p>`;
          return transcriptView(record, key, deps.config.agent.stallTimeoutSec);
        }),
      );
      c.get(
        '/runs',
        view('runs', 'Runs and cost', async (_viewer, r) => {
          const by = (GROUPINGS as readonly string[]).includes(query(r)['by'] ?? '')
            ? (query(r)['by'] as Grouping)
            : 'repo';
          return runsView(await data.runs(), by);
        }),
      );
      c.get(
        '/memory',
        view('memory', 'Memory', async (viewer, r) => {
          const q = (query(r)['q'] ?? '').slice(0, 500);
          if (!q) return memoryView('', null, null, viewer);
          if (!deps.config.memory.enabled)
            return memoryView(q, null, 'Memory is disabled (memory.enabled: false).', viewer);
          const found = await searchMemory(deps.redis, q).catch((err: Error) => err);
          return found instanceof Error
            ? memoryView(q, null, `The memory-consolidator did not answer: ${found.message}`, viewer)
            : memoryView(q, found, null, viewer);
        }),
      );
      c.get(
        '/events',
        view('events', 'Events', async (_viewer, r) =>
          eventsView(await data.events(), (query(r)['q'] ?? '').slice(0, 100)),
        ),
      );
    },
    { prefix: '/console' },
  );
}

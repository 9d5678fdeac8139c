import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

import { transcriptLines, TranscriptTail } from '@nightshift/agent';
import { safeKey } from '@nightshift/domain';
import { EventLog, runRecordKey, SessionRegistry } from '@nightshift/state';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { ApiAccess } from '../api-auth';
import { refusal, viewerOf } from './console-access';
import type { ConsoleData, ConsoleDeps } from './console-data';
import { openSse, pump } from './console-sse';
import { eventText } from './events.view';
import type { SessionRow } from './sessions.view';

const POLL_MS = 300;
/** How often a transcript stream says how long the session has been silent (the stall detector's view). */
const SILENCE_EVERY_MS = 5000;

/**
 * `/console/stream`: every new event (pages refresh on them, the Events view lists them);
 * `/console/sessions/:run/stream`: one session's transcript as it is written, through the same TranscriptTail and
 * transcriptLines as `nightshift logs --follow`, redacted.
 */
export function registerConsoleStreams(
  c: FastifyInstance,
  deps: ConsoleDeps & { access: ApiAccess },
  data: ConsoleData,
  secrets: readonly string[],
): void {
  const allowed = (request: FastifyRequest, reply: FastifyReply): boolean => {
    try {
      if (viewerOf(deps.access, request)) return true;
      void reply.code(401).type('text/plain').send('log in first');
    } catch (err) {
      void refusal(reply, err);
    }
    return false;
  };

  c.get<{ Querystring: { after?: string } }>('/stream', async (request, reply) => {
    if (!allowed(request, reply)) return reply;
    const events = new EventLog(deps.redis);
    const resume = request.headers['last-event-id'];
    let after = (typeof resume === 'string' && resume) || request.query.after || '$';
    if (after === '$') after = (await events.recent(1)).at(-1)?.id ?? '0-0';
    const stream = openSse(request, reply);
    void pump(stream, POLL_MS, async () => {
      for (const e of await events.read(after, 200)) {
        if (e.id === after) continue;
        after = e.id;
        stream.send('event', { type: e.type, ticket: e.ticket ?? null, text: eventText(e) }, e.id);
      }
    });
    return reply;
  });

  c.get<{ Params: { run: string } }>('/sessions/:run/stream', async (request, reply) => {
    if (!allowed(request, reply)) return reply;
    const key = request.params.run;
    const record = await data.run(key);
    if (!record) return reply.code(404).type('text/plain').send(`no run ${key}`);
    const tail = new TranscriptTail(
      record.logPath ?? path.join(deps.config.paths.logs, `${safeKey(record.runId)}.jsonl`),
    );
    const stream = openSse(request, reply);
    let lastLineAt = Date.now();
    let lastSilenceNote = Date.now();
    const send = (raw: string) => {
      for (const l of transcriptLines(raw, secrets)) stream.send('line', l);
    };
    void pump(stream, POLL_MS, async () => {
      // The record is read before the file: lines written before the run ended are all in the file by then.
      const now = await data.run(key);
      const lines = tail.read();
      if (lines.length > 0) lastLineAt = Date.now();
      lines.forEach(send);
      // As `logs --follow`: the agent's verdict comes first (settling); the run ends after its checks, push and PR.
      if (now?.outcome && !now.settling) {
        tail.flush().forEach(send);
        stream.send('end', { outcome: now.outcome, reason: now.reason ?? '' });
        return false;
      }
      if (!now?.outcome && Date.now() - lastSilenceNote >= SILENCE_EVERY_MS) {
        lastSilenceNote = Date.now();
        stream.send('silence', {
          silentMs: Date.now() - lastLineAt,
          stallTimeoutSec: deps.config.agent.stallTimeoutSec,
        });
      }
    });
    return reply;
  });
}

/** Running sessions with the last line of each transcript and how long it has been silent. */
export async function sessionRows(
  deps: ConsoleDeps,
  data: ConsoleData,
  secrets: readonly string[],
): Promise<SessionRow[]> {
  const sessions = await new SessionRegistry(deps.redis).list();
  return Promise.all(
    sessions.map(async (session) => {
      const record = await data.run(runRecordKey(session));
      const file = record?.logPath ?? path.join(deps.config.paths.logs, `${safeKey(session.runId)}.jsonl`);
      const end = lastBytes(file);
      const lines = end.text.split('\n').flatMap((l) => transcriptLines(l, secrets));
      const silentMs = end.modifiedAt === null ? null : Date.now() - end.modifiedAt;
      return { session, record, lastLine: lines.at(-1)?.text ?? '', silentMs };
    }),
  );
}

const TAIL_BYTES = 32 * 1024;

/** The end of a session log (a cut first line gives nothing: transcriptLines drops half a JSON line). */
function lastBytes(file: string): { text: string; modifiedAt: number | null } {
  try {
    const st = statSync(file);
    const start = Math.max(0, st.size - TAIL_BYTES);
    const buf = Buffer.alloc(st.size - start);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, buf.length, start);
    } finally {
      closeSync(fd);
    }
    return { text: buf.toString('utf8'), modifiedAt: st.mtimeMs };
  } catch {
    return { text: '', modifiedAt: null };
  }
}

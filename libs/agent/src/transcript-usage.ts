import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import type { TokenUsage } from '@nightshift/domain';

import { addUsage, toRawUsage, toTokenUsage } from './stream-events';

/**
 * Where the CLI keeps a session's transcript: `<configDir>/projects/<cwd with every non-alphanumeric character
 * replaced by "-", cut at 200 characters>/<sessionId>.jsonl`. Pass the real path of cwd (the CLI records the
 * resolved directory, e.g. /private/var/... on macOS).
 */
export function transcriptPath(configDir: string, cwd: string, sessionId: string): string {
  return join(configDir, 'projects', cwd.replace(/[^A-Za-z0-9]/g, '-').slice(0, 200), `${sessionId}.jsonl`);
}

/**
 * Sums the token usage of a transcript's assistant messages. The CLI writes one line per content block, each
 * repeating its message's id and usage, so every message id counts once. Cost comes from `costUSD` fields when
 * the CLI version writes them (older ones did), else null.
 */
export async function sumTranscriptUsage(file: string): Promise<{ usage: TokenUsage; costUsd: number | null }> {
  const byMessage = new Map<string, { usage: TokenUsage; cost?: number }>();
  let anonymous: TokenUsage = toTokenUsage(undefined);
  let anonymousCost: number | undefined;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    const record = parseRecord(line);
    if (!record) continue;
    const usage = toTokenUsage(toRawUsage(record.message.usage));
    const cost = typeof record.costUSD === 'number' ? record.costUSD : undefined;
    const id = typeof record.message.id === 'string' ? record.message.id : undefined;
    if (id === undefined) {
      anonymous = addUsage(anonymous, usage);
      if (cost !== undefined) anonymousCost = (anonymousCost ?? 0) + cost;
    } else {
      byMessage.set(id, { usage, cost });
    }
  }
  let usage = anonymous;
  let costUsd = anonymousCost ?? null;
  for (const entry of byMessage.values()) {
    usage = addUsage(usage, entry.usage);
    if (entry.cost !== undefined) costUsd = (costUsd ?? 0) + entry.cost;
  }
  return { usage, costUsd: costUsd === null ? null : Number(costUsd.toFixed(6)) };
}

interface AssistantRecord {
  costUSD?: unknown;
  message: { id?: unknown; usage?: unknown };
}

function parseRecord(line: string): AssistantRecord | null {
  if (!line.includes('"assistant"')) return null;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return null;
    const record = value as { type?: unknown; message?: unknown; costUSD?: unknown };
    if (record.type !== 'assistant' || typeof record.message !== 'object' || record.message === null) return null;
    return { costUSD: record.costUSD, message: record.message as AssistantRecord['message'] };
  } catch {
    return null;
  }
}

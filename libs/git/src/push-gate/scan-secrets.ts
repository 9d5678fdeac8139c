import picomatch from 'picomatch';

import type { ChangedFile } from './read-change';

/** One thing a push must not carry: where, and which rule found it. Never the value. */
export interface GateFinding {
  path: string;
  /** 0 when the finding is about the file, not a line (a protected path). */
  line: number;
  rule: string;
}

/** Test fixtures a repo accepts: files matching `paths` (globs), for `rules` (all shape rules when empty). */
export interface SecretAllowEntry {
  paths: string[];
  rules: string[];
}

/** The rule id of a finding that is the exact value of a secret the director holds: never allowed. */
export const DIRECTOR_SECRET_RULE = 'nightshift/director-secret';
const PRESET_PREFIX = '@secretlint/secretlint-rule-';
// Shorter values match by chance in ordinary text.
const MIN_SECRET_LENGTH = 6;

/**
 * Scans what a change adds (a) for the exact values of the director's secrets and (b) for well-known token
 * shapes with secretlint's recommended preset (GitHub, GitLab, Slack, AWS, Anthropic, OpenAI, Linear, private
 * keys, npm, …): a maintained rule set rather than home-made regexes. A shape found in a file the repo allows
 * for that rule is no finding; a director secret always is.
 */
export async function scanForSecrets(
  files: ChangedFile[],
  opts: { secrets: readonly string[]; allow: readonly SecretAllowEntry[] },
): Promise<GateFinding[]> {
  const secrets = [...new Set(opts.secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))];
  const findings: GateFinding[] = [];
  const allowed = allowMatcher(opts.allow);
  for (const file of files) {
    if (file.lines.length === 0) continue;
    for (const { line, text } of file.lines) {
      if (secrets.some((s) => text.includes(s))) findings.push({ path: file.path, line, rule: DIRECTOR_SECRET_RULE });
    }
    for (const f of await shapeFindings(file)) if (!allowed(f)) findings.push(f);
  }
  return findings;
}

/** secretlint over the file's added lines, each at its own line number (the others blank), so a reported line is the file's. */
async function shapeFindings(file: ChangedFile): Promise<GateFinding[]> {
  const last = file.lines[file.lines.length - 1]!.line;
  const rows: string[] = new Array<string>(last).fill('');
  for (const { line, text } of file.lines) rows[line - 1] = text;
  const { lintSource, preset } = await secretlint();
  const result = await lintSource({
    source: { filePath: file.path, content: rows.join('\n'), contentType: 'text' },
    options: { config: { rules: [{ id: preset.meta.id, rule: preset }] }, maskSecrets: true },
  });
  return result.messages.map((m) => ({ path: file.path, line: m.loc.start.line, rule: m.ruleId }));
}

function allowMatcher(entries: readonly SecretAllowEntry[]): (f: GateFinding) => boolean {
  const compiled = entries.map((e) => ({ match: picomatch(e.paths, { dot: true }), rules: e.rules }));
  return (f) =>
    f.rule !== DIRECTOR_SECRET_RULE &&
    compiled.some(
      (e) =>
        e.match(f.path) &&
        (e.rules.length === 0 || e.rules.some((r) => r === f.rule || `${PRESET_PREFIX}${r}` === f.rule)),
    );
}

type Secretlint = {
  lintSource: typeof import('@secretlint/core').lintSource;
  preset: typeof import('@secretlint/secretlint-rule-preset-recommend').creator;
};
let loaded: Secretlint | undefined;

/** Loaded on the first scan: the preset is a large ESM bundle (require(esm), Node 20.19+) a service without pushes never needs. */
async function secretlint(): Promise<Secretlint> {
  if (!loaded) {
    const core = require('@secretlint/core') as typeof import('@secretlint/core');
    const rec =
      require('@secretlint/secretlint-rule-preset-recommend') as typeof import('@secretlint/secretlint-rule-preset-recommend');
    loaded = { lintSource: core.lintSource, preset: rec.creator };
  }
  return loaded;
}

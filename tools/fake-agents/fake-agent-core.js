'use strict';
// Shared core of the Codex, Gemini CLI and OpenCode test doubles: the prompt on stdin, `fake-agent:` directives,
// the change written in the worktree. Each CLI file prints its own real event format (see README.md).
const fs = require('node:fs');
const path = require('node:path');

const BEHAVIOURS = new Set(['succeed', 'no-diff', 'fail', 'rate-limit', 'auth-fail', 'overloaded', 'deny']);

/**
 * Reads all of stdin (the prompt); a TTY stdin gives nothing, as the real CLIs then have no headless prompt.
 * Never touches `process.stdin`: that opens fd 0 as a non-blocking socket, and a synchronous read then fails
 * with EAGAIN whenever the runner has not written the prompt yet (an empty prompt, exit 42, seen in CI).
 */
function readPrompt() {
  if (require('node:tty').isatty(0)) return '';
  const chunks = [];
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    let n;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (error) {
      if (error.code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if (error.code === 'EOF') break;
      return '';
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `fake-agent: <tokens>` (first line wins; FAKE_AGENT_DEFAULT applies first). */
function parseBehaviour(prompt, model) {
  const b = { kind: 'succeed', slowMs: 0, toolIdleMs: 0, onlyModel: undefined };
  const line = /^\s*fake-agent:\s*(.+)$/m.exec(prompt);
  for (const source of [process.env.FAKE_AGENT_DEFAULT || '', line ? line[1] : '']) {
    for (const token of source.trim().split(/\s+/).filter(Boolean)) {
      const [name, value] = token.split('=');
      if (BEHAVIOURS.has(name)) b.kind = name;
      else if (name === 'slow') b.slowMs = Number(value) || 0;
      else if (name === 'tool-idle') b.toolIdleMs = Number(value) || 0;
      else if (name === 'only-model') b.onlyModel = value;
    }
  }
  if (b.onlyModel && b.onlyModel !== model) b.kind = 'succeed';
  return b;
}

function ticketKeys(prompt) {
  const keys = [];
  for (const m of prompt.matchAll(/^\s*Ticket:\s*(\S+)\s*$/gm)) if (!keys.includes(m[1])) keys.push(m[1]);
  return keys;
}

/** Writes nightshift-changes/<KEY>.md inside cwd (never outside), naming the CLI and the model. */
function writeChanges(cli, prompt, model) {
  const root = fs.realpathSync(process.cwd());
  const files = [];
  for (const key of ticketKeys(prompt)) {
    const dir = path.join(root, 'nightshift-changes');
    fs.mkdirSync(dir, { recursive: true });
    const safe = key.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[.-]+/, '') || 'ticket';
    const file = path.join(dir, `${safe}.md`);
    fs.writeFileSync(file, `# ${key}\n\nChanged by fake-${cli} for ticket ${key} (model: ${model}).\n`);
    files.push(path.relative(root, file));
  }
  return files;
}

/** Deterministic token counts from the prompt's size. */
function usageFor(prompt) {
  const input = Math.max(100, Math.ceil(Buffer.byteLength(prompt) / 3));
  return { input, cached: Math.floor(input / 2), output: 50 + (input % 97) };
}

/** Like the real CLIs, a closed stdout does not end a busy agent: it goes on and finishes its work. */
function emitter() {
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  process.on('SIGPIPE', () => undefined);
  return (event) => {
    try {
      process.stdout.write(`${JSON.stringify(event)}\n`);
    } catch {
      // closed stdout: keep working
    }
  };
}

/** Appends this launch's argv to FAKE_AGENT_ARGV_LOG (one JSON array a line) so tests can check the argv. */
function logArgv(cli) {
  const log = process.env.FAKE_AGENT_ARGV_LOG;
  if (log) fs.appendFileSync(log, `${JSON.stringify([cli, ...process.argv.slice(2)])}\n`);
}

function usageError(message, code = 2) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

/** Waits `ms` silently (a long tool call prints nothing), then calls `then`. */
function later(ms, then) {
  if (ms > 0) setTimeout(then, ms);
  else then();
}

module.exports = { readPrompt, parseBehaviour, writeChanges, usageFor, emitter, logArgv, usageError, later };

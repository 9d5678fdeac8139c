#!/usr/bin/env node
// fake-claude: a test double of the `claude` CLI in headless stream-json mode.
// Plain CommonJS, no dependencies, no build step: tests and the pipeline benchmark run it as the agent command.
// The shapes it prints follow /work/shared/fixtures/claude-code (real CLI output); see README.md for directives.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { decide, splitRules } = require('./tool-rules');
const { runProbes } = require('./network-probes');

const VALUE_FLAGS = new Set([
  '--model',
  '--output-format',
  '--input-format',
  '--max-turns',
  '--permission-mode',
  '--session-id',
  '--max-budget-usd',
  '--resume',
  '-r',
  '--fallback-model',
  '--append-system-prompt',
  '--system-prompt',
  '--settings',
  '--agents',
  '--setting-sources',
]);
// Variadic like the real CLI's `<tools...>`: every following argument up to the next flag; repeats add up.
const LIST_FLAGS = {
  '--allowedTools': 'allowed',
  '--allowed-tools': 'allowed',
  '--disallowedTools': 'disallowed',
  '--disallowed-tools': 'disallowed',
  '--mcp-config': 'mcpConfig',
  '--add-dir': 'addDir',
};
const BEHAVIOURS = new Set([
  'succeed',
  'no-diff',
  'fail',
  'max-turns',
  'rate-limit',
  'auth-fail',
  'crash',
  'hang',
  'never-exit',
]);
const FOREVER = 2 ** 30;

function parseArgs(argv) {
  const opts = { prompt: undefined, flags: {}, lists: { allowed: [], disallowed: [], mcpConfig: [], addDir: [] } };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flagName, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (LIST_FLAGS[flagName]) {
      const list = opts.lists[LIST_FLAGS[flagName]];
      if (inline !== undefined) list.push(inline);
      else while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) list.push(argv[++i]);
    } else if (arg === '-p' || arg === '--print') {
      // The real CLI treats -p as a boolean and the prompt as the positional argument that follows.
      if (i + 1 < argv.length && !argv[i + 1].startsWith('-')) opts.prompt = argv[++i];
      else opts.print = true;
    } else if (arg.startsWith('--') && arg.includes('=')) {
      const eq = arg.indexOf('=');
      opts.flags[arg.slice(0, eq)] = arg.slice(eq + 1);
    } else if (VALUE_FLAGS.has(arg)) {
      opts.flags[arg] = argv[++i];
    } else if (!arg.startsWith('-') && opts.prompt === undefined && opts.print) {
      opts.prompt = arg;
    }
  }
  return opts;
}

/** Reads `fake-agent: ...` tokens; the prompt's own tokens override the FAKE_CLAUDE_DEFAULT ones of the same kind. */
function parseBehaviour(prompt) {
  const defaults = (process.env.FAKE_CLAUDE_DEFAULT || '').replace(/^\s*fake-agent:\s*/, '');
  const line = /^\s*fake-agent:\s*(.+)$/m.exec(prompt);
  const behaviour = {
    kind: 'succeed',
    slowMs: 0,
    reset: undefined,
    zone: 'UTC',
    ignoreTerm: false,
    ignoreClosedStdout: false,
    spawnChild: false,
    onlyModel: undefined,
    launches: undefined,
    tool: undefined,
    toolTimeoutMs: undefined,
    pitfall: undefined,
    discover: undefined,
    gate: undefined,
    chattySec: 0,
    writes: [],
  };
  for (const source of [defaults, line ? line[1] : '']) {
    for (const token of source.trim().split(/\s+/).filter(Boolean)) {
      const [name, value] = token.split('=');
      if (BEHAVIOURS.has(name)) behaviour.kind = name;
      else if (name === 'slow') behaviour.slowMs = Number(value) || 0;
      else if (name === 'gate' && value) behaviour.gate = value;
      else if (name === 'chatty') behaviour.chattySec = Number(value) || 0;
      else if (name === 'reset') behaviour.reset = Number(value);
      else if (name === 'zone' && value) behaviour.zone = value;
      else if (name === 'ignore-sigterm') behaviour.ignoreTerm = true;
      else if (name === 'spawn-child') behaviour.spawnChild = true;
      else if (name === 'ignore-closed-stdout') behaviour.ignoreClosedStdout = true;
      else if (name === 'only-model' && value) behaviour.onlyModel = value;
      else if (name === 'pitfall' && value) behaviour.pitfall = value;
      else if (name === 'discover') behaviour.discover = Number(value) || undefined;
      else if (name === 'launches') behaviour.launches = Number(value);
      else if (name === 'tool-burn' || name === 'tool-idle') behaviour.tool = { kind: name, ms: Number(value) || 0 };
      else if (name === 'tool-stuck') behaviour.tool = { kind: name, ms: 0 };
      else if (name === 'background-busy') behaviour.backgroundBusy = true;
      else if (name === 'tool-timeout') behaviour.toolTimeoutMs = Number(value) || undefined;
      else if (WRITES.has(name) && value) behaviour.writes.push({ kind: name, file: value });
    }
  }
  return behaviour;
}

function ticketKeys(prompt) {
  const keys = [];
  for (const match of prompt.matchAll(/^\s*Ticket:\s*(\S+)\s*$/gm)) if (!keys.includes(match[1])) keys.push(match[1]);
  return keys;
}

/**
 * How many times this ticket set has been launched so far, this launch included: every session
 * appends its ticket keys to `<FAKE_CLAUDE_ARGV_LOG>.tickets` (the prompt travels on stdin, so the
 * argv log alone cannot tell which ticket a launch was for).
 */
function launchesOf(prompt) {
  const log = process.env.FAKE_CLAUDE_ARGV_LOG;
  if (!log)
    return usageError('fake-agent `launches=N` and `discover=N` count launches in FAKE_CLAUDE_ARGV_LOG; set it');
  const keys = ticketKeys(prompt).join(' ');
  return fs
    .readFileSync(`${log}.tickets`, 'utf8')
    .split('\n')
    .filter((line) => line === keys).length;
}

function sanitizeKey(key) {
  const safe = key
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[.-]+/, '')
    .replace(/\.{2,}/g, '-');
  return safe.length > 0 ? safe : 'ticket';
}

/** Per-million-token prices, so an escalated (opus) run visibly costs more than a cheap one. */
function pricesFor(model) {
  if (/opus/i.test(model)) return { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 };
  if (/haiku/i.test(model)) return { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 };
  return { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 };
}

/** Deterministic token counts derived from the prompt length, split over two assistant messages. */
function usagePlan(prompt, model) {
  const n = Buffer.byteLength(prompt);
  const total = { input: 100 + n, output: 50 + Math.floor(n / 4), cacheWrite: 1000 + 2 * n, cacheRead: 5000 + 10 * n };
  const first = {
    input: Math.floor(total.input / 2),
    output: Math.floor(total.output / 2),
    cacheWrite: total.cacheWrite,
    cacheRead: Math.floor(total.cacheRead / 2),
  };
  const second = {
    input: total.input - first.input,
    output: total.output - first.output,
    cacheWrite: 0,
    cacheRead: total.cacheRead - first.cacheRead,
  };
  const p = pricesFor(model);
  const cost =
    (total.input * p.input +
      total.output * p.output +
      total.cacheWrite * p.cacheWrite +
      total.cacheRead * p.cacheRead) /
    1e6;
  return { total, parts: [first, second], costUsd: Number(cost.toFixed(6)) };
}

function rawUsage(u) {
  return {
    input_tokens: u.input,
    output_tokens: u.output,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
  };
}

function main() {
  const argv = process.argv.slice(2);
  // `claude --version` as the real CLI prints it; not a launch, so not in the argv log.
  if (argv[0] === '--version' || argv[0] === '-v') return void process.stdout.write('2.1.41 (Claude Code)\n');
  const opts = parseArgs(argv);
  const model = opts.flags['--model'];
  if (process.env.FAKE_CLAUDE_ARGV_LOG) {
    const entry = { argv, cwd: process.cwd(), pid: process.pid, model: model ?? null, at: new Date().toISOString() };
    fs.appendFileSync(process.env.FAKE_CLAUDE_ARGV_LOG, `${JSON.stringify(entry)}\n`);
  }
  if (argv[0] === 'auth' && argv[1] === 'status') return authStatus();
  if (!model) return usageError('--model <model> is required (fake-claude refuses to pick a default model).');
  for (const flag of Object.keys(LIST_FLAGS)) {
    if (argv.includes(flag) && opts.lists[LIST_FLAGS[flag]].length === 0)
      return usageError(`option '${flag} <values...>' argument missing`);
  }
  const permissionMode = opts.flags['--permission-mode'] || 'default';
  // The real CLI's own guard: bypass mode as root only where IS_SANDBOX=1 declares the machine disposable.
  if (
    permissionMode === 'bypassPermissions' &&
    process.getuid &&
    process.getuid() === 0 &&
    process.env.IS_SANDBOX !== '1'
  ) {
    process.stderr.write(
      '--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\n',
    );
    return finish(1);
  }
  if (opts.prompt !== undefined) return session(opts, model, opts.prompt, 'argv');
  if (!opts.print)
    return usageError('Input must be provided either through stdin or as a prompt argument when using --print.');
  // Like the real CLI: `-p` with no prompt argument reads the whole prompt from stdin (no size limit).
  if (process.stdin.isTTY)
    return usageError('Input must be provided either through stdin or as a prompt argument when using --print.');
  const chunks = [];
  process.stdin.on('data', (chunk) => chunks.push(chunk));
  process.stdin.on('error', () => undefined);
  process.stdin.on('end', () => {
    const prompt = Buffer.concat(chunks).toString('utf8');
    if (prompt.trim() === '')
      return usageError('Input must be provided either through stdin or as a prompt argument when using --print.');
    return session(opts, model, prompt, 'stdin');
  });
  return undefined;
}

function session(opts, model, prompt, via) {
  if (process.env.FAKE_CLAUDE_ARGV_LOG)
    fs.appendFileSync(`${process.env.FAKE_CLAUDE_ARGV_LOG}.tickets`, `${ticketKeys(prompt).join(' ')}\n`);
  if (process.env.FAKE_CLAUDE_PROMPT_LOG) {
    // One file per launch (the log names a folder): a test reads exactly what the agent was given.
    const dir = process.env.FAKE_CLAUDE_PROMPT_LOG;
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `${Date.now()}-${process.pid}.json`),
      JSON.stringify({ via, bytes: Buffer.byteLength(prompt), cwd: process.cwd(), prompt }),
    );
  }
  const behaviour = parseBehaviour(prompt);
  // `only-model=M`: the behaviour applies to launches on model M; any other model just does the work.
  if (behaviour.onlyModel && behaviour.onlyModel !== model) behaviour.kind = 'succeed';
  // `rate-limit reset=EPOCH`: limited until that instant, fine afterwards, like a real quota.
  if (behaviour.kind === 'rate-limit' && Number.isFinite(behaviour.reset) && Date.now() >= behaviour.reset * 1000)
    behaviour.kind = 'succeed';
  // `pitfall=X [discover=N]`: the work fails the way pitfall X reads (PITFALLS) unless the prompt carries X's fix —
  // the command only a successful run's final message states, never the failure, the ticket or a marker — or this is
  // the ticket's Nth launch or later, when the fake works the fix out itself and says it in its final message.
  if (behaviour.pitfall && behaviour.kind === 'succeed') {
    const pitfall = PITFALLS[behaviour.pitfall];
    if (!pitfall)
      return usageError(`unknown pitfall "${behaviour.pitfall}": one of ${Object.keys(PITFALLS).join(', ')}`);
    const found = behaviour.discover !== undefined && launchesOf(prompt) >= behaviour.discover;
    if (prompt.includes(pitfall.fixCommand) || found) behaviour.fixed = pitfall.fix;
    else behaviour.kind = 'pitfall';
  }
  // `rate-limit launches=N`: limited on the ticket's first N launches (reset 2 s later unless `reset=` says), then fine.
  if (behaviour.kind === 'rate-limit' && behaviour.launches !== undefined) {
    const launches = launchesOf(prompt);
    if (launches === undefined) return;
    if (launches > behaviour.launches) behaviour.kind = 'succeed';
    else if (behaviour.reset === undefined) behaviour.reset = Math.ceil(Date.now() / 1000) + 2;
  }
  const cwd = process.cwd();
  const sessionId = opts.flags['--session-id'] || crypto.randomUUID();
  const permissionMode = opts.flags['--permission-mode'] || 'default';
  const fromFiles = settingsFileRules(cwd, opts.flags['--setting-sources']);
  const permissions = {
    mode: permissionMode,
    allowed: [...opts.lists.allowed.flatMap(splitRules), ...fromFiles.allow],
    disallowed: [...opts.lists.disallowed.flatMap(splitRules), ...fromFiles.deny],
  };
  const started = Date.now();
  const transcript = transcriptWriter(cwd, sessionId);
  // Like the real CLI, a closed stdout (EPIPE) does not end the session: it goes on and finishes its work.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
  transcript({ type: 'user', message: { role: 'user', content: prompt } });
  emit({
    type: 'system',
    subtype: 'init',
    cwd,
    session_id: sessionId,
    tools: ['Bash', 'Edit', 'Read', 'Write'],
    model,
    permissionMode,
  });

  if (behaviour.ignoreTerm) process.on('SIGTERM', () => undefined);
  if (behaviour.ignoreClosedStdout) {
    // An agent deep in a tool call neither writes nor notices that its reader died: no EPIPE crash, no SIGPIPE.
    process.on('SIGPIPE', () => undefined);
    process.stdout.on('error', () => undefined);
  }
  if (behaviour.spawnChild) {
    // A grandchild in the same process group, as an agent's dev server or test runner would be.
    const child = spawn(process.execPath, ['-e', `setInterval(() => {}, ${FOREVER})`], { stdio: 'ignore' });
    child.unref(); // the fake may exit and leave it behind, like a forgotten dev server
    emit({ type: 'system', subtype: 'fake_child', pid: child.pid, session_id: sessionId });
  }

  const ctx = { prompt, model, cwd, sessionId, started, emit, transcript, permissions };
  const toolThenRun = () =>
    behaviour.tool ? bashToolCall(behaviour, ctx, () => run(behaviour, ctx)) : run(behaviour, ctx);
  const work = () => (behaviour.backgroundBusy ? backgroundBashCall(ctx, toolThenRun) : toolThenRun());
  const slowThenWork = () => (behaviour.slowMs > 0 ? setTimeout(work, behaviour.slowMs) : work());
  const afterProbes = () =>
    behaviour.chattySec > 0 ? chatter(behaviour.chattySec, ctx, slowThenWork) : slowThenWork();
  const begin = () => runProbes(ctx, afterProbes);
  if (behaviour.gate) whenFileExists(behaviour.gate, begin);
  else begin();
}

/** Calls `then` once `file` exists (polled: the file may appear through a bind mount, where inotify is unreliable). */
function whenFileExists(file, then) {
  if (fs.existsSync(file)) return then();
  const timer = setInterval(() => {
    if (!fs.existsSync(file)) return;
    clearInterval(timer);
    then();
  }, 100);
}

/** `chatty=<s>`: one assistant text line a second for `s` seconds (a working agent's stream), then `next`. */
function chatter(seconds, ctx, next) {
  let n = 0;
  const timer = setInterval(() => {
    n += 1;
    const message = {
      id: `msg_chatty_${n}`,
      type: 'message',
      role: 'assistant',
      model: ctx.model,
      content: [{ type: 'text', text: `Still working (${n}/${seconds}).` }],
      stop_reason: null,
      usage: rawUsage({ input: 1, output: 8, cacheWrite: 0, cacheRead: 0 }),
    };
    ctx.emit({ type: 'assistant', message, session_id: ctx.sessionId });
    if (n >= seconds) {
      clearInterval(timer);
      next();
    }
  }, 1000);
}

function run(behaviour, ctx) {
  const { prompt, model, cwd, sessionId, emit } = ctx;
  const plan = usagePlan(prompt, model);
  const denials = [];
  const result = (subtype, isError, text, extra = {}) =>
    emit({
      type: 'result',
      subtype,
      is_error: isError,
      duration_ms: Date.now() - ctx.started,
      duration_api_ms: 0,
      num_turns: 2,
      result: text,
      session_id: sessionId,
      total_cost_usd: plan.costUsd,
      usage: rawUsage(plan.total),
      modelUsage: {
        [model]: {
          inputTokens: plan.total.input,
          outputTokens: plan.total.output,
          cacheReadInputTokens: plan.total.cacheRead,
          cacheCreationInputTokens: plan.total.cacheWrite,
          costUSD: plan.costUsd,
        },
      },
      permission_denials: denials,
      ...extra,
    });
  const assistant = (id, content, usage, msgModel = model) => {
    // The real CLI prints (and records) one line per content block, each repeating the message id and usage.
    for (const block of content) {
      const message = {
        id,
        type: 'message',
        role: 'assistant',
        model: msgModel,
        content: [block],
        stop_reason: null,
        usage: rawUsage(usage),
      };
      emit({ type: 'assistant', message, session_id: sessionId });
      ctx.transcript({ type: 'assistant', message });
    }
  };
  const zero = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
  if (['succeed', 'no-diff', 'fail', 'max-turns', 'never-exit'].includes(behaviour.kind))
    runCommands(ctx, assistant, denials);

  switch (behaviour.kind) {
    case 'rate-limit': {
      const text =
        behaviour.reset !== undefined && Number.isFinite(behaviour.reset)
          ? `Claude AI usage limit reached|${Math.floor(behaviour.reset)}`
          : `You've hit your limit · resets ${nextHourLabel(behaviour.zone)} (${behaviour.zone})`;
      assistant('msg_fake_limit', [{ type: 'text', text }], zero, '<synthetic>');
      emit({
        type: 'result',
        subtype: 'success',
        is_error: true,
        duration_ms: Date.now() - ctx.started,
        duration_api_ms: 0,
        num_turns: 1,
        result: text,
        session_id: sessionId,
        total_cost_usd: 0,
        usage: rawUsage(zero),
      });
      return finish(1);
    }
    case 'auth-fail':
      process.stderr.write(
        'API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired. Please obtain a new token or refresh your existing token."},"request_id":"req_fake000000000000000000"} · Please run /login\n',
      );
      return finish(1);
    case 'crash':
      assistant('msg_fake_1', [{ type: 'text', text: 'Looking at the code.' }], plan.parts[0]);
      process.stdout.write('{"type":"assistant","message":{"id":"msg_fake_2","content":[{"type":"te', () =>
        process.kill(process.pid, 'SIGSEGV'),
      );
      return undefined;
    case 'hang':
      // Works a little (so its transcript holds usage), then goes silent for good.
      assistant('msg_fake_1', [{ type: 'text', text: 'Looking at the code.' }], plan.parts[0]);
      return stayAlive();
    case 'fail':
      assistant('msg_fake_1', [{ type: 'text', text: 'Running the tests.' }], plan.parts[0]);
      result('error_during_execution', true, 'Execution failed: the test suite could not be started.');
      return finish(1);
    case 'pitfall':
      assistant('msg_fake_1', [{ type: 'text', text: 'Running the tests.' }], plan.parts[0]);
      result('error_during_execution', true, PITFALLS[behaviour.pitfall].failure);
      return finish(1);
    case 'max-turns':
      assistant('msg_fake_1', [{ type: 'text', text: 'Still working on it.' }], plan.parts[0]);
      result('error_max_turns', true, undefined);
      return finish(1);
    default:
      break;
  }

  const keys = behaviour.kind === 'no-diff' ? [] : ticketKeys(prompt);
  const written = [
    ...keys.map((key) => writeChange(cwd, key, model)),
    ...(keys.length > 0 ? followFixHints(cwd, prompt) : []),
    ...resolveConflicts(cwd),
    ...(keys.length > 0 ? behaviour.writes.map((w) => writeExtra(cwd, w)) : []),
  ];
  assistant(
    'msg_fake_1',
    [
      { type: 'text', text: keys.length > 0 ? `Editing ${written.join(', ')}.` : 'Reading the code.' },
      {
        type: 'tool_use',
        id: 'toolu_fake_1',
        name: keys.length > 0 ? 'Write' : 'Read',
        input: { file_path: written[0] ?? 'README.md' },
      },
    ],
    plan.parts[0],
  );
  const says = /^\s*fake-agent-says:\s*(.+)$/m.exec(prompt);
  const summary = behaviour.fixed
    ? behaviour.fixed
    : says
      ? says[1].trim()
      : keys.length > 0
        ? `Made the change for ${keys.join(', ')}.`
        : behaviour.kind === 'no-diff'
          ? 'Nothing to change: the code already does what the ticket asks.'
          : 'No "Ticket:" line in the prompt; nothing to change.';
  assistant('msg_fake_2', [{ type: 'text', text: summary }], plan.parts[1]);
  result('success', false, summary);
  if (behaviour.kind === 'never-exit') return stayAlive();
  return finish(0);
}

/**
 * The permission rules of the worktree's own settings files, as the real CLI merges them: `.claude/settings.json`
 * (source `project`) and `.claude/settings.local.json` (`local`), each read only when `--setting-sources` names it
 * (no flag = every source; an empty value = none). A file that does not parse is ignored, as the CLI does headless.
 */
function settingsFileRules(cwd, sources) {
  const wanted = sources === undefined ? ['user', 'project', 'local'] : sources.split(',').map((x) => x.trim());
  const files = { project: 'settings.json', local: 'settings.local.json' };
  const rules = { allow: [], deny: [] };
  for (const [source, name] of Object.entries(files)) {
    if (!wanted.includes(source)) continue;
    try {
      const settings = JSON.parse(fs.readFileSync(path.join(cwd, '.claude', name), 'utf8'));
      for (const kind of ['allow', 'deny']) {
        const list = settings && settings.permissions && settings.permissions[kind];
        if (Array.isArray(list)) rules[kind].push(...list.filter((r) => typeof r === 'string'));
      }
    } catch {
      // absent or unreadable: nothing from this source
    }
  }
  return rules;
}

/**
 * Pitfalls the fake can meet: how its failure reads (the decisive line memory keeps), and the fix a
 * successful run states in its final message. A prompt gets past one only by carrying `fixCommand`,
 * which only that fix says: a later ticket has it only if memory recalled the fix.
 */
const PITFALLS = {
  'stale-lockfile': {
    failure:
      'Tests failed: npm ci stopped before installing anything: package.json and package-lock.json are not in sync (lodash 4.17.21 wanted, 4.17.20 locked).',
    fixCommand: 'npm install --package-lock-only',
    fix: 'Fixed: regenerated package-lock.json with `npm install --package-lock-only` so it matches package.json again; then the install and the tests passed.',
  },
};

/**
 * `fake-agent-runs: <command>` lines: the agent asks for each as a Bash tool call; the CLI's permission check
 * (tool-rules.js) either lets it through (the fake never really runs it) or refuses it, as an error tool result
 * in the stream and an entry in the result's `permission_denials`.
 */
function runCommands(ctx, assistant, denials) {
  const commands = [...ctx.prompt.matchAll(/^\s*fake-agent-runs:\s*(.+?)\s*$/gm)].map((m) => m[1]);
  const zero = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };
  commands.forEach((command, i) => {
    const id = `toolu_fake_bash_${i + 1}`;
    const input = { command, description: `Run ${command}` };
    assistant(`msg_fake_bash_${i + 1}`, [{ type: 'tool_use', id, name: 'Bash', input }], zero);
    const refusal = decide({ toolName: 'Bash', input, ...ctx.permissions });
    if (refusal) denials.push({ tool_name: 'Bash', tool_use_id: id, tool_input: input });
    const block = {
      type: 'tool_result',
      tool_use_id: id,
      content: refusal ?? `(fake-claude allowed \`${command}\` but does not run commands)`,
      is_error: Boolean(refusal),
    };
    const message = { role: 'user', content: [block] };
    ctx.emit({ type: 'user', message, parent_tool_use_id: null, session_id: ctx.sessionId });
    ctx.transcript({ type: 'user', message });
  });
}

/** Bash timeouts as the real CLI applies them: 2 min unless the call asks, at most 10 min (both settable by env). */
function bashTimeoutMs(asked) {
  const fallback = Number(process.env.BASH_DEFAULT_TIMEOUT_MS) || 120_000;
  const max = Number(process.env.BASH_MAX_TIMEOUT_MS) || 600_000;
  return Math.min(asked ?? fallback, Math.max(max, fallback));
}

const TOOL_CHILDREN = {
  // A build or test suite: busy for `ms`, then exits 0.
  'tool-burn': (ms) => `const end = Date.now() + ${ms}; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1);`,
  // A command that waits on something (a network fetch, a sleep): no CPU for `ms`.
  'tool-idle': (ms) => `setTimeout(() => {}, ${ms});`,
};

/**
 * One Bash tool call the way the CLI runs it: prints the tool_use, then nothing at all while the command
 * runs (in the CLI's process group), kills it at its timeout, prints the tool_result and goes on.
 * `tool-stuck` is a CLI hung inside the call: the tool_use, then silence and no CPU, forever.
 */
function bashToolCall(behaviour, ctx, then) {
  const { kind, ms } = behaviour.tool;
  const id = 'toolu_fake_bash';
  const asked = /^\s*fake-agent-command:\s*(.+)$/m.exec(ctx.prompt);
  const command = asked
    ? asked[1].trim()
    : kind === 'tool-burn'
      ? `npm test  # fake-claude: burns CPU for ${ms} ms`
      : kind === 'tool-idle'
        ? `sleep ${ms / 1000}  # fake-claude: no CPU`
        : 'npm run e2e  # fake-claude: the CLI hangs in this call';
  const input = {
    command,
    description: 'Run the checks',
    ...(behaviour.toolTimeoutMs ? { timeout: behaviour.toolTimeoutMs } : {}),
  };
  const message = {
    id: 'msg_fake_tool',
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content: [{ type: 'tool_use', id, name: 'Bash', input }],
    stop_reason: 'tool_use',
    usage: rawUsage({ input: 10, output: 10, cacheWrite: 0, cacheRead: 0 }),
  };
  ctx.emit({ type: 'assistant', message, session_id: ctx.sessionId });
  ctx.transcript({ type: 'assistant', message });
  if (kind === 'tool-stuck') return stayAlive();
  const timeoutMs = bashTimeoutMs(behaviour.toolTimeoutMs);
  const child = spawn(process.execPath, ['-e', TOOL_CHILDREN[kind](ms)], { cwd: ctx.cwd, stdio: 'ignore' });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  child.on('exit', (code) => {
    clearTimeout(timer);
    const content = timedOut
      ? `Command timed out after ${timeoutMs / 1000}s`
      : code === 0
        ? ''
        : `Error: exit code ${code}`;
    const result = {
      type: 'user',
      message: {
        role: 'user',
        content: [{ tool_use_id: id, type: 'tool_result', content, is_error: timedOut || code !== 0 }],
      },
      session_id: ctx.sessionId,
    };
    ctx.emit(result);
    ctx.transcript({ type: 'user', message: result.message });
    then();
  });
  return undefined;
}

/**
 * A Bash call with `run_in_background: true`, as the CLI runs a dev server or a watcher: the command (a
 * child in the CLI's process group) keeps running after the tool_result, which comes at once. This one
 * does 5 ms of work every 100 ms for as long as it lives (the group is killed with the session).
 */
function backgroundBashCall(ctx, then) {
  const id = 'toolu_fake_bash_bg';
  const input = { command: 'npm run dev  # fake-claude: busy in the background', run_in_background: true };
  const message = {
    id: 'msg_fake_bg',
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content: [{ type: 'tool_use', id, name: 'Bash', input }],
    stop_reason: 'tool_use',
    usage: rawUsage({ input: 10, output: 10, cacheWrite: 0, cacheRead: 0 }),
  };
  ctx.emit({ type: 'assistant', message, session_id: ctx.sessionId });
  ctx.transcript({ type: 'assistant', message });
  const busy =
    'setInterval(() => { const end = Date.now() + 5; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); }, 100);';
  const child = spawn(process.execPath, ['-e', busy], { cwd: ctx.cwd, stdio: 'ignore' });
  child.unref(); // the CLI exits when its work is done, the server lives on in the group
  const content = `Command running in background with ID: bash_1 (pid ${child.pid})`;
  const result = {
    type: 'user',
    message: { role: 'user', content: [{ tool_use_id: id, type: 'tool_result', content, is_error: false }] },
    session_id: ctx.sessionId,
  };
  ctx.emit(result);
  ctx.transcript({ type: 'user', message: result.message });
  then();
}

function writeChange(cwd, key, model) {
  const root = fs.realpathSync(cwd);
  const dir = path.join(root, 'nightshift-changes');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(fs.realpathSync(dir), `${sanitizeKey(key)}.md`);
  if (!file.startsWith(root + path.sep)) throw new Error(`fake-claude refuses to write outside ${root}: ${file}`);
  fs.writeFileSync(file, `# ${key}\n\nChanged by fake-claude for ticket ${key} (model: ${model}).\n`);
  return path.relative(root, file);
}

// What a prompt-injected agent writes: every secret-looking variable it can see, a token, a key, a settings file.
const WRITES = new Set(['leak-env', 'leak-github-token', 'leak-private-key', 'edit']);
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|_KEY$|WEBHOOK|CREDENTIAL|AUTH|PRIVATE)/i;

function writeExtra(cwd, { kind, file }) {
  const root = fs.realpathSync(cwd);
  const target = path.resolve(root, file);
  if (!target.startsWith(root + path.sep)) throw new Error(`fake-claude refuses to write outside ${root}: ${target}`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  let content;
  if (kind === 'leak-env')
    content = Object.keys(process.env)
      .filter((name) => SECRET_NAME.test(name))
      .sort()
      .map((name) => `${name}=${process.env[name]}\n`)
      .join('');
  else if (kind === 'leak-github-token')
    content = `const token = '${['ghp', '_', 'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx'].join('')}';\n`;
  else if (kind === 'leak-private-key')
    content = require('node:crypto')
      .generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' });
  else content = '{"permissions":{"allow":["Bash"]}}\n';
  fs.writeFileSync(target, content);
  return path.relative(root, target);
}

/**
 * Acts on failing check output quoted in the prompt, as an agent reading it would: every line
 * `FIX: create <name>` makes `nightshift-fixes/<name sanitized>`. A first prompt carries no check
 * output, so a check asking for such a file passes only after a repair round.
 */
function followFixHints(cwd, prompt) {
  const names = [...prompt.matchAll(/^\s*(?:>\s*)?FIX: create (\S+)\s*$/gm)].map((m) => sanitizeKey(m[1]));
  if (names.length === 0) return [];
  const root = fs.realpathSync(cwd);
  const dir = path.join(root, 'nightshift-fixes');
  fs.mkdirSync(dir, { recursive: true });
  return names.map((name) => {
    fs.writeFileSync(path.join(dir, name), `fixed by fake-claude after reading the check output\n`);
    return path.join('nightshift-fixes', name);
  });
}

/**
 * Resolves merge conflicts left in the worktree, as an agent reading the files would: every region between
 * `<<<<<<<` and `>>>>>>>` becomes both sides, ours first then theirs (the markers and the base section of a
 * diff3 conflict dropped). Found by reading the files, not from the prompt. Returns the files it resolved.
 */
function resolveConflicts(cwd) {
  const root = fs.realpathSync(cwd);
  const resolved = [];
  const walk = (dir, depth) => {
    if (depth > 6) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git' || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, depth + 1);
      else if (entry.isFile() && fs.statSync(full).size < 1_000_000) {
        const text = fs.readFileSync(full, 'utf8');
        if (!/^<{7} /m.test(text)) continue;
        const out = [];
        let side = null;
        for (const line of text.split('\n')) {
          if (/^<{7}( |$)/.test(line)) side = 'ours';
          else if (side && /^\|{7}( |$)/.test(line)) side = 'base';
          else if (side && /^={7}$/.test(line)) side = 'theirs';
          else if (side && /^>{7}( |$)/.test(line)) side = null;
          else if (side !== 'base') out.push(line);
        }
        fs.writeFileSync(full, out.join('\n'));
        resolved.push(path.relative(root, full));
      }
    }
  };
  walk(root, 0);
  return resolved;
}

/** Writes the session transcript like the real CLI, but only under an explicit CLAUDE_CONFIG_DIR (never the real home). */
function transcriptWriter(cwd, sessionId) {
  const configDir = process.env.CLAUDE_CONFIG_DIR;
  if (!configDir) return () => undefined;
  const dir = path.join(configDir, 'projects', cwd.replace(/[^A-Za-z0-9]/g, '-').slice(0, 200));
  const file = path.join(dir, `${sessionId}.jsonl`);
  fs.mkdirSync(dir, { recursive: true });
  let parentUuid = null;
  return (record) => {
    const uuid = crypto.randomUUID();
    const line = {
      parentUuid,
      isSidechain: false,
      userType: 'external',
      cwd,
      sessionId,
      version: 'fake',
      ...record,
      uuid,
      timestamp: new Date().toISOString(),
    };
    parentUuid = uuid;
    fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
}

/** The next full hour on the wall clock of `zone`, as the CLI prints it ("4am"). */
function nextHourLabel(zone) {
  const now = new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(
    new Date(),
  );
  const hour = (Number(now) + 1) % 24;
  return `${hour % 12 === 0 ? 12 : hour % 12}${hour < 12 ? 'am' : 'pm'}`;
}

/** `claude auth status`: JSON with `loggedIn` like CLI 2.1.41+; logged out (exit 1) with FAKE_CLAUDE_LOGGED_OUT=1 or a `.fake-logged-out` file in CLAUDE_CONFIG_DIR (one account of several). */
function authStatus() {
  const configDir = process.env.CLAUDE_CONFIG_DIR;
  const loggedIn =
    !process.env.FAKE_CLAUDE_LOGGED_OUT && !(configDir && fs.existsSync(path.join(configDir, '.fake-logged-out')));
  process.stdout.write(`${JSON.stringify({ loggedIn, authMethod: loggedIn ? 'claude.ai' : 'none' }, null, 2)}\n`);
  return finish(loggedIn ? 0 : 1);
}

function usageError(message) {
  process.stderr.write(`error: ${message}\n`);
  return finish(2);
}

// Setting exitCode (rather than process.exit) lets stdout drain into the pipe first.
function finish(code) {
  process.exitCode = code;
}

function stayAlive() {
  setInterval(() => undefined, FOREVER);
}

main();

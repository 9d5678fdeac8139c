// Claude Code's permission rules, as the fake CLI applies them (see README.md). Plain CommonJS, no dependencies.
'use strict';

/** A flag value may hold several rules separated by commas or spaces, but never split inside parentheses. */
function splitRules(value) {
  const rules = [];
  let depth = 0;
  let current = '';
  for (const ch of value) {
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && (ch === ',' || /\s/.test(ch))) {
      if (current) rules.push(current);
      current = '';
    } else current += ch;
  }
  if (current) rules.push(current);
  return rules;
}

/** `Bash(npm test:*)` → { tool: 'Bash', content: 'npm test:*' }; `Read` → { tool: 'Read' }. */
function parseRule(rule) {
  const m = /^([^()]+?)(?:\((.*)\))?$/.exec(rule.trim());
  if (!m) return { tool: rule.trim() };
  return m[2] === undefined ? { tool: m[1] } : { tool: m[1], content: m[2] };
}

/** The parts of a compound command (`a && b | c; d`): a prefix rule must cover each one. */
function subcommands(command) {
  return command
    .split(/&&|\|\||[;|\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Whether one Bash rule's content covers one simple command: `prefix:*` (legacy) and a trailing ` *` match the
 * prefix alone or followed by a space; `*` elsewhere matches anything; otherwise the whole command must be equal.
 */
function bashContentMatches(content, command) {
  if (content === '*') return true;
  let pattern = content;
  if (pattern.endsWith(':*')) pattern = `${pattern.slice(0, -2)} *`;
  if (!pattern.includes('*')) return command === pattern;
  if (pattern.endsWith(' *') && command === pattern.slice(0, -2)) return true;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
  return re.test(command);
}

/** Whether a rule covers a tool call; `ruleSubject` is what the rule matches for a tool with content. */
function ruleMatches(rule, toolName, input) {
  const { tool, content } = parseRule(rule);
  if (tool !== toolName) return false;
  if (content === undefined || content === '*') return true;
  if (toolName !== 'Bash') return false; // path rules (Read(...), Edit(...)) are not modelled: they never match
  const command = String((input && input.command) || '').trim();
  // Command substitution could run anything: only a rule for all of Bash allows it.
  if (/\$\(|`/.test(command)) return false;
  return subcommands(command).every((part) => bashContentMatches(content, part));
}

/** A deny rule matches a compound command when it matches any of its parts. */
function denyMatches(rule, toolName, input) {
  if (toolName !== 'Bash') return ruleMatches(rule, toolName, input);
  const command = String((input && input.command) || '');
  return (
    ruleMatches(rule, toolName, input) ||
    subcommands(command).some((part) => ruleMatches(rule, toolName, { command: part }))
  );
}

const EDIT_TOOLS = new Set(['Edit', 'MultiEdit', 'Write', 'NotebookEdit']);
const READ_ONLY_TOOLS = new Set(['Read', 'Glob', 'Grep', 'LS', 'TodoWrite']);

/**
 * The CLI's decision for one tool call in a headless session (nobody to ask): deny rules first, then the
 * mode, then allow rules. Returns null when allowed, else the text the CLI sends back as the tool's error.
 */
function decide({ toolName, input, mode, allowed, disallowed }) {
  const command = input && typeof input.command === 'string' ? input.command : undefined;
  if (disallowed.some((rule) => denyMatches(rule, toolName, input))) {
    return command !== undefined
      ? `Permission to use ${toolName} with command ${command} has been denied.`
      : `Permission to use ${toolName} has been denied.`;
  }
  if (mode === 'bypassPermissions') return null;
  if (READ_ONLY_TOOLS.has(toolName) && mode !== 'dontAsk') return null;
  if (EDIT_TOOLS.has(toolName) && mode === 'acceptEdits') return null;
  if (allowed.some((rule) => ruleMatches(rule, toolName, input))) return null;
  if (mode === 'dontAsk')
    return `Permission to use ${toolName} has been denied because Claude Code is running in don't ask mode.`;
  return `Claude requested permissions to use ${toolName}, but you haven't granted it yet.`;
}

module.exports = { splitRules, parseRule, ruleMatches, denyMatches, decide };

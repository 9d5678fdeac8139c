/** The subset of JQL the fake Jira understands; anything else is refused as Jira refuses bad JQL (HTTP 400). */

export interface JqlIssueView {
  key: string;
  project: string;
  status: string;
  labels: string[];
  updated: number;
  created: number;
  priorityRank: number;
}

export interface JqlQuery {
  matches(issue: JqlIssueView): boolean;
  compare(a: JqlIssueView, b: JqlIssueView): number;
}

/** A JQL error, answered as `{ errorMessages: [message] }` with HTTP 400. */
export class JqlError extends Error {}

type Token = { kind: 'word' | 'string' | 'op' | 'punct'; value: string };

function tokenize(jql: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(>=|<=|!=|=|>|<)|([(),])|([^\s(),=<>!"']+))/y;
  for (;;) {
    if (/^\s*$/.test(jql.slice(re.lastIndex))) break;
    const at = re.lastIndex;
    const m = re.exec(jql);
    if (!m) throw new JqlError(`Error in the JQL Query: unexpected text at character ${at}.`);
    if (m[1] !== undefined || m[2] !== undefined)
      out.push({ kind: 'string', value: (m[1] ?? m[2]!).replace(/\\(.)/g, '$1') });
    else if (m[3]) out.push({ kind: 'op', value: m[3] });
    else if (m[4]) out.push({ kind: 'punct', value: m[4] });
    else out.push({ kind: 'word', value: m[5]! });
  }
  return out;
}

/** Parses `clause AND clause … [ORDER BY field [ASC|DESC], …]` against the known projects. */
export function parseJql(jql: string, projects: string[], now = Date.now()): JqlQuery {
  const tokens = tokenize(jql);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const t = tokens[i++];
    if (!t) throw new JqlError('Error in the JQL Query: the query ended unexpectedly.');
    return t;
  };
  const value = (): string => {
    const t = next();
    if (t.kind !== 'word' && t.kind !== 'string')
      throw new JqlError(`Error in the JQL Query: expected a value but got '${t.value}'.`);
    return t.value;
  };
  const list = (): string[] => {
    if (next().value !== '(') throw new JqlError("Error in the JQL Query: expected '(' after 'in'.");
    const out = [value()];
    while (peek()?.value === ',') {
      i += 1;
      out.push(value());
    }
    if (next().value !== ')') throw new JqlError("Error in the JQL Query: expected ')'.");
    return out;
  };
  const clauses: Array<(v: JqlIssueView) => boolean> = [];
  let bounded = false;
  while (i < tokens.length && !(peek()?.kind === 'word' && peek()!.value.toLowerCase() === 'order')) {
    if (clauses.length > 0) {
      const and = next();
      if (and.value.toLowerCase() !== 'and')
        throw new JqlError(`Error in the JQL Query: the fake Jira supports AND only, got '${and.value}'.`);
    }
    const field = value().toLowerCase();
    const op = next();
    const opText = op.value.toLowerCase();
    if (field === 'updated' || field === 'created') {
      if (!['>=', '>', '<=', '<'].includes(opText))
        throw new JqlError(`Error in the JQL Query: '${opText}' is not supported on ${field}.`);
      const at = jqlTime(value(), now);
      const pick = (v: JqlIssueView) => (field === 'updated' ? v.updated : v.created);
      clauses.push((v) =>
        opText === '>='
          ? pick(v) >= at
          : opText === '>'
            ? pick(v) > at
            : opText === '<='
              ? pick(v) <= at
              : pick(v) < at,
      );
      continue;
    }
    const values = opText === 'in' ? list() : opText === '=' ? [value()] : null;
    if (!values)
      throw new JqlError(`Error in the JQL Query: the operator '${op.value}' is not supported for field '${field}'.`);
    const lower = values.map((v) => v.toLowerCase());
    if (field === 'project') {
      for (const p of values)
        if (!projects.some((k) => k.toLowerCase() === p.toLowerCase()))
          throw new JqlError(`The value '${p}' does not exist for the field 'project'.`);
      bounded = true;
      clauses.push((v) => lower.includes(v.project.toLowerCase()));
    } else if (field === 'status') clauses.push((v) => lower.includes(v.status.toLowerCase()));
    else if (field === 'key' || field === 'issuekey') {
      bounded = true;
      clauses.push((v) => lower.includes(v.key.toLowerCase()));
    } else if (field === 'labels') clauses.push((v) => v.labels.some((l) => lower.includes(l.toLowerCase())));
    else throw new JqlError(`Field '${field}' does not exist or you do not have permission to view it.`);
  }
  if (!bounded)
    throw new JqlError('Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
  const order: Array<{ field: string; desc: boolean }> = [];
  if (i < tokens.length) {
    i += 1;
    if (next().value.toLowerCase() !== 'by') throw new JqlError("Error in the JQL Query: expected 'BY' after 'ORDER'.");
    do {
      if (order.length > 0) i += 1;
      const field = value().toLowerCase();
      if (!['created', 'updated', 'priority', 'key'].includes(field))
        throw new JqlError(`Not able to sort using field '${field}'.`);
      const dir = peek()?.kind === 'word' ? next().value.toLowerCase() : 'asc';
      order.push({ field, desc: dir === 'desc' });
    } while (peek()?.value === ',');
  }
  return {
    matches: (v) => clauses.every((c) => c(v)),
    compare: (a, b) => {
      for (const o of order) {
        const d = sortValue(a, o.field) - sortValue(b, o.field);
        if (d !== 0) return o.desc ? -d : d;
      }
      return sortValue(a, 'key') - sortValue(b, 'key');
    },
  };
}

function sortValue(v: JqlIssueView, field: string): number {
  if (field === 'created') return v.created;
  if (field === 'updated') return v.updated;
  // Jira's "priority DESC" puts Highest first: rank 1 is highest.
  if (field === 'priority') return -v.priorityRank;
  return Number(v.key.split('-')[1]);
}

/** A JQL time: relative ("-5m", "-2h", "-1d", "-1w") or absolute ("yyyy-MM-dd HH:mm", "yyyy-MM-dd"; UTC here). */
function jqlTime(text: string, now: number): number {
  const rel = /^-(\d+)([mhdw])$/.exec(text.trim());
  if (rel) return now - Number(rel[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[rel[2] as 'm'];
  const abs = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!abs)
    throw new JqlError(
      `Date value '${text}' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
    );
  return Date.UTC(+abs[1]!, +abs[2]! - 1, +abs[3]!, +(abs[4] ?? 0), +(abs[5] ?? 0));
}

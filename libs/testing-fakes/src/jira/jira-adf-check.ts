/**
 * What Jira checks of an Atlassian Document Format body: a `doc` of version 1 whose nodes are known
 * types, with text nodes carrying non-empty text and only known marks. Jira's v3 API refuses a plain
 * string or a malformed document with HTTP 400; so does the fake.
 */

const BLOCKS = new Set([
  'paragraph',
  'heading',
  'bulletList',
  'orderedList',
  'listItem',
  'codeBlock',
  'blockquote',
  'rule',
  'panel',
  'table',
  'tableRow',
  'tableHeader',
  'tableCell',
  'mediaSingle',
  'media',
]);
const INLINES = new Set(['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'date', 'status']);
const MARKS = new Set(['strong', 'em', 'code', 'link', 'strike', 'underline', 'subsup', 'textColor']);

/** Null when the value is a document Jira takes; else the reason it refuses it. */
export function adfProblem(value: unknown): string | null {
  if (typeof value === 'string')
    return 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
  if (!value || typeof value !== 'object') return 'The document is missing';
  const doc = value as { type?: unknown; version?: unknown; content?: unknown };
  if (doc.type !== 'doc' || doc.version !== 1) return 'The document must be {"type":"doc","version":1,…}';
  if (!Array.isArray(doc.content)) return 'The document has no content array';
  return nodesProblem(doc.content as unknown[], 'doc');
}

function nodesProblem(nodes: unknown[], parent: string): string | null {
  for (const n of nodes) {
    const node = n as { type?: unknown; text?: unknown; marks?: unknown; content?: unknown };
    const type = String(node.type);
    if (!BLOCKS.has(type) && !INLINES.has(type)) return `Unknown node type '${type}' inside '${parent}'`;
    if (type === 'text') {
      if (typeof node.text !== 'string' || node.text.length === 0) return 'A text node must have non-empty text';
      for (const m of (node.marks ?? []) as Array<{ type?: unknown; attrs?: { href?: unknown } }>) {
        if (!MARKS.has(String(m.type))) return `Unknown mark '${String(m.type)}'`;
        if (m.type === 'link' && typeof m.attrs?.href !== 'string') return 'A link mark needs attrs.href';
      }
    }
    if (node.content !== undefined) {
      if (!Array.isArray(node.content)) return `'${type}' content must be an array`;
      const inner = nodesProblem(node.content as unknown[], type);
      if (inner) return inner;
    }
  }
  return null;
}

/** The plain text of a document (tests read what a comment says). */
export function adfText(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  const node = value as { type?: string; text?: string; content?: unknown[] };
  if (node.type === 'text') return node.text ?? '';
  if (node.type === 'hardBreak') return '\n';
  const sep = node.type === 'doc' || node.type === 'bulletList' || node.type === 'orderedList' ? '\n' : '';
  return (node.content ?? []).map(adfText).join(sep);
}

/**
 * Markdown ↔ Atlassian Document Format for the subset Nightshift writes and reads: paragraphs,
 * headings, bullet and ordered lists, fenced code blocks, and inline strong, em, code and links.
 * Written here because the maintained converters on npm are ESM-only (marklassian needs `marked`
 * 16, also ESM-only), which this CommonJS build and its jest cannot load; anything outside the
 * subset is kept as its plain text, never dropped.
 */

/** One ADF node (block or inline). */
export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
  content?: AdfNode[];
}

/** An ADF document as Jira's v3 API takes and returns it. */
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

/** Markdown → ADF (Jira refuses a v3 comment or description that is a plain string). */
export function markdownToAdf(markdown: string): AdfDoc {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const content: AdfNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = /^```\s*([\w+-]*)\s*$/.exec(line);
    if (fence) {
      const code: string[] = [];
      i += 1;
      while (i < lines.length && !/^```\s*$/.test(lines[i]!)) code.push(lines[i++]!);
      i += 1;
      content.push({
        type: 'codeBlock',
        ...(fence[1] ? { attrs: { language: fence[1] } } : {}),
        content: code.length > 0 && code.join('\n') !== '' ? [{ type: 'text', text: code.join('\n') }] : [],
      });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      content.push({ type: 'heading', attrs: { level: heading[1]!.length }, content: inline(heading[2]!) });
      i += 1;
      continue;
    }
    const listKind = listItem(line)?.kind;
    if (listKind) {
      const items: AdfNode[] = [];
      while (i < lines.length && listItem(lines[i]!)?.kind === listKind) {
        items.push({ type: 'listItem', content: [paragraph(listItem(lines[i]!)!.text)] });
        i += 1;
      }
      content.push({ type: listKind === 'ul' ? 'bulletList' : 'orderedList', content: items });
      continue;
    }
    if (line.trim() === '') {
      i += 1;
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !isBlockStart(lines[i]!)) para.push(lines[i++]!);
    content.push(paragraph(para.join('\n')));
  }
  return { type: 'doc', version: 1, content };
}

/** ADF → Markdown (descriptions and comments as the agent's prompt reads them). Unknown nodes keep their text. */
export function adfToMarkdown(doc: unknown): string {
  if (typeof doc === 'string') return doc;
  if (!doc || typeof doc !== 'object') return '';
  return blocks((doc as AdfNode).content ?? []).trim();
}

function blocks(nodes: AdfNode[]): string {
  return nodes
    .map((n) => block(n))
    .filter((s) => s !== '')
    .join('\n\n');
}

function block(n: AdfNode): string {
  switch (n.type) {
    case 'paragraph':
      return inlineText(n.content ?? []);
    case 'heading':
      return `${'#'.repeat(Number(n.attrs?.['level'] ?? 1))} ${inlineText(n.content ?? [])}`;
    case 'codeBlock': {
      const lang = typeof n.attrs?.['language'] === 'string' ? n.attrs['language'] : '';
      return `\`\`\`${lang}\n${(n.content ?? []).map((c) => c.text ?? '').join('')}\n\`\`\``;
    }
    case 'bulletList':
    case 'orderedList':
      return (n.content ?? [])
        .map((item, k) => `${n.type === 'bulletList' ? '-' : `${k + 1}.`} ${blocks(item.content ?? [])}`)
        .join('\n');
    default:
      return n.content ? blocks(n.content) : inlineText([n]);
  }
}

function inlineText(nodes: AdfNode[]): string {
  return nodes
    .map((n) => {
      if (n.type === 'hardBreak') return '\n';
      if (n.type === 'mention') return `@${String(n.attrs?.['text'] ?? '').replace(/^@/, '')}`;
      if (n.type === 'inlineCard') return String(n.attrs?.['url'] ?? '');
      if (n.type !== 'text') return n.content ? inlineText(n.content) : '';
      let text = n.text ?? '';
      for (const mark of n.marks ?? []) {
        if (mark.type === 'code') text = `\`${text}\``;
        else if (mark.type === 'strong') text = `**${text}**`;
        else if (mark.type === 'em') text = `*${text}*`;
        else if (mark.type === 'link') text = `[${text}](${String(mark.attrs?.['href'] ?? '')})`;
      }
      return text;
    })
    .join('');
}

function paragraph(text: string): AdfNode {
  return { type: 'paragraph', content: inline(text) };
}

function listItem(line: string): { kind: 'ul' | 'ol'; text: string } | null {
  const ul = /^\s*[-*+]\s+(.*)$/.exec(line);
  if (ul) return { kind: 'ul', text: ul[1]! };
  const ol = /^\s*\d+[.)]\s+(.*)$/.exec(line);
  return ol ? { kind: 'ol', text: ol[1]! } : null;
}

function isBlockStart(line: string): boolean {
  return /^```/.test(line) || /^#{1,6}\s/.test(line) || listItem(line) !== null;
}

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\[[^\]]+\]\([^)\s]+\))|(\*[^*\s][^*]*\*)|(_[^_\s][^_]*_)/g;

/** Inline Markdown → text nodes with marks; line breaks inside a paragraph become hardBreaks. */
function inline(text: string): AdfNode[] {
  const out: AdfNode[] = [];
  text.split('\n').forEach((line, k) => {
    if (k > 0) out.push({ type: 'hardBreak' });
    let last = 0;
    for (const m of line.matchAll(INLINE)) {
      if (m.index > last) out.push({ type: 'text', text: line.slice(last, m.index) });
      const s = m[0];
      if (m[1]) out.push({ type: 'text', text: s.slice(1, -1), marks: [{ type: 'code' }] });
      else if (m[2]) out.push({ type: 'text', text: s.slice(2, -2), marks: [{ type: 'strong' }] });
      else if (m[3]) {
        const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(s)!;
        out.push({ type: 'text', text: link[1]!, marks: [{ type: 'link', attrs: { href: link[2]! } }] });
      } else out.push({ type: 'text', text: s.slice(1, -1), marks: [{ type: 'em' }] });
      last = m.index + s.length;
    }
    if (last < line.length) out.push({ type: 'text', text: line.slice(last) });
  });
  return out;
}

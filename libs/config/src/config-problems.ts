import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import { z } from 'zod';

import { didYouMean } from './did-you-mean';

/** A JSON Schema node, as far as finding the keys an object accepts needs. */
interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
}

type Path = PropertyKey[];

/** `hosts[0].slots`, `(top level)` for the root. */
export function formatPath(p: Path): string {
  if (p.length === 0) return '(top level)';
  return p.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : `${i === 0 ? '' : '.'}${String(seg)}`)).join('');
}

/** Of a union (`tracker: {kind: …}`), the variant the written value chose by its `kind`, else all of them. */
function variants(node: SchemaNode, value: unknown): SchemaNode[] {
  const options = node.oneOf ?? node.anyOf;
  if (!options) return [node];
  const kind = (value as { kind?: unknown } | undefined)?.kind;
  const chosen = options.filter(
    (o) => (o.properties?.['kind'] as { const?: unknown } | undefined)?.const === (kind ?? 'local'),
  );
  return (chosen.length > 0 ? chosen : options).flatMap((o) => variants(o, value));
}

/** The keys the schema accepts at `path` of the written `value`. */
function knownKeys(schema: SchemaNode, path: Path, value: unknown): string[] {
  let nodes = variants(schema, value);
  let current = value;
  for (const seg of path) {
    current = (current as Record<PropertyKey, unknown> | undefined)?.[seg as string];
    nodes = nodes.flatMap((n) => {
      const child =
        typeof seg === 'number'
          ? n.items
          : (n.properties?.[String(seg)] ??
            (typeof n.additionalProperties === 'object' ? n.additionalProperties : undefined));
      return child ? variants(child, current) : [];
    });
  }
  return [...new Set(nodes.flatMap((n) => Object.keys(n.properties ?? {})))];
}

/** Where in the file a path points: the deepest node of it that is written (a missing key points at its parent). */
function nodeAt(doc: Document, path: Path): YamlNode | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as YamlNode | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) return node;
  }
  return undefined;
}

/** The key node of `key` in the map at `path` (an unknown key is pointed at by its own line). */
function keyNodeAt(doc: Document, path: Path, key: string): YamlNode | undefined {
  const map = doc.getIn(path as unknown[], true) as { items?: Array<{ key?: YamlNode & { value?: unknown } }> };
  return map?.items?.find((pair) => pair.key?.value === key)?.key;
}

function at(node: YamlNode | undefined, lines: LineCounter): string {
  const offset = node?.range?.[0];
  if (offset === undefined) return '';
  const { line, col } = lines.linePos(offset);
  return ` (line ${line}, column ${col})`;
}

/**
 * One message per zod issue, each naming the path inside the file, what is wrong and the line and
 * column of the YAML node it is about; an unknown key gets the closest known key ("did you mean").
 */
export function configProblems(
  issues: z.core.$ZodIssue[],
  schema: z.ZodType,
  doc: Document,
  value: unknown,
  lines: LineCounter,
): string[] {
  let json: SchemaNode | undefined;
  const schemaJson = () => (json ??= z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as SchemaNode);
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schemaJson(), issue.path, value);
      return issue.keys.map((key) => {
        const guess = didYouMean(key, known);
        return `${formatPath(issue.path)}: unknown key "${key}"${guess ? ` — did you mean "${guess}"?` : ''}${at(keyNodeAt(doc, issue.path, key), lines)}`;
      });
    }
    return [`${formatPath(issue.path)}: ${issue.message}${at(nodeAt(doc, issue.path), lines)}`];
  });
}

/**
 * The first YAML syntax error only (the ones after it are most often its echo), as one line: what,
 * where, and the line of text it is in, without the library's trailing colon and caret drawing.
 */
export function yamlSyntaxProblem(doc: Document, text: string): string {
  const [first] = doc.errors;
  if (!first) return 'YAML syntax: unreadable';
  const what = first.message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?\s*$/, '')
    .replace(/:\s*$/, '');
  const pos = first.linePos?.[0];
  const source = pos ? text.split('\n')[pos.line - 1]?.trim() : undefined;
  const more = doc.errors.length > 1 ? ' (fix this one first: the errors after it may follow from it)' : '';
  return `YAML syntax: ${what}${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}${source ? ` in "${source}"` : ''}${more}`;
}

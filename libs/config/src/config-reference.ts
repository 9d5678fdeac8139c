import { z } from 'zod';

import { configSchema } from './schema';

/** A JSON Schema node as zod's toJSONSchema writes them for this schema. */
interface Node {
  type?: string | string[];
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: boolean | Node;
  items?: Node;
  oneOf?: Node[];
  anyOf?: Node[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
}

interface Row {
  key: string;
  type: string;
  required: boolean;
  default?: unknown;
  rules: string;
}

const code = (value: unknown) => `\`${JSON.stringify(value).replace(/\|/g, '\\|')}\``;

function typeOf(node: Node): string {
  const variants = node.oneOf ?? node.anyOf;
  if (variants) return [...new Set(variants.map(typeOf))].join(' or ');
  if (node.const !== undefined) return code(node.const);
  if (node.enum) return node.enum.map(code).join(', ');
  if (node.type === 'array') return `array of ${node.items ? typeOf(node.items) : 'any'}`;
  if (node.type === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object')
    return `map of ${typeOf(node.additionalProperties)}`;
  if (Array.isArray(node.type)) return node.type.join(' or ');
  return node.type ?? 'any';
}

function rulesOf(node: Node): string {
  const rules: string[] = [];
  if (node.minimum !== undefined && node.minimum > Number.MIN_SAFE_INTEGER) rules.push(`≥ ${node.minimum}`);
  if (node.exclusiveMinimum !== undefined) rules.push(`> ${node.exclusiveMinimum}`);
  if (node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER) rules.push(`≤ ${node.maximum}`);
  if (node.exclusiveMaximum !== undefined) rules.push(`< ${node.exclusiveMaximum}`);
  if (node.minLength) rules.push('not empty');
  if (node.minItems) rules.push(`at least ${node.minItems}`);
  if (node.maxItems !== undefined) rules.push(`at most ${node.maxItems}`);
  if (node.pattern) rules.push(`matches ${code(node.pattern)}`);
  if (node.type === 'integer' || (node.type === 'array' && node.items?.type === 'integer')) rules.push('integer');
  return rules.join(', ');
}

/** A union of objects told apart by a `kind` constant: each kind is listed on its own. */
function kinds(node: Node): Node[] | undefined {
  const variants = node.oneOf ?? node.anyOf;
  return variants?.every((v) => v.properties?.['kind']?.const !== undefined) ? variants : undefined;
}

function walk(node: Node, key: string, required: boolean, rows: Row[]): void {
  const byKind = kinds(node);
  if (byKind) {
    for (const variant of byKind)
      walk(variant, `${key} (kind: ${String(variant.properties!['kind']!.const)})`, required, rows);
    return;
  }
  if (node.type === 'object' && node.properties) {
    if (key) rows.push({ key, type: 'object', required, default: node.default, rules: '' });
    for (const [name, child] of Object.entries(node.properties))
      walk(child, key ? `${key}.${name}` : name, node.required?.includes(name) ?? false, rows);
    return;
  }
  if (node.type === 'array' && node.items?.type === 'object' && node.items.properties) {
    rows.push({ key, type: 'array of objects', required, default: node.default, rules: rulesOf(node) });
    for (const [name, child] of Object.entries(node.items.properties))
      walk(child, `${key}[].${name}`, node.items.required?.includes(name) ?? false, rows);
    return;
  }
  rows.push({ key, type: typeOf(node), required, default: node.default, rules: rulesOf(node) });
}

/**
 * Every key of `nightshift.yaml` as the schema defines it (type, required, default, bounds), as a
 * markdown table: the generated part of docs/configuration.md, so the reference cannot drift from
 * what validation accepts.
 */
export function configReference(of: z.ZodType = configSchema): string {
  const schema = z.toJSONSchema(of, { io: 'input', unrepresentable: 'any' }) as Node;
  const rows: Row[] = [];
  walk(schema, '', true, rows);
  const lines = ['| key | type | default | rules |', '|---|---|---|---|'];
  for (const row of rows) {
    const dflt = row.default !== undefined ? code(row.default) : row.required ? '**required**' : '';
    lines.push(`| \`${row.key}\` | ${row.type} | ${dflt} | ${row.rules} |`);
  }
  return `${lines.join('\n')}\n`;
}

const BEGIN = '<!-- BEGIN GENERATED: config-reference -->';
const END = '<!-- END GENERATED: config-reference -->';

/** The generated block of a document (between its markers), or undefined when the markers are missing. */
export function generatedBlock(doc: string): string | undefined {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  return start < 0 || end < start ? undefined : doc.slice(start + BEGIN.length, end).replace(/^\n/, '');
}

/** The document with its generated block replaced by `reference`. */
export function replaceGeneratedBlock(doc: string, reference: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`the markers ${BEGIN} and ${END} are missing`);
  return `${doc.slice(0, start + BEGIN.length)}\n${reference}${doc.slice(end)}`;
}

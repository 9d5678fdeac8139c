/** A prompt template names a variable that does not exist: a config error, not the task's fault. */
export class PromptTemplateError extends Error {
  override readonly name = 'PromptTemplateError';
}

const VARIABLE = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

/**
 * Replaces `{{name}}` with the value; an unknown or empty name fails with the template's name and
 * the names it may use. Values are inserted once, never re-scanned, so ticket text containing
 * `{{...}}` stays literal.
 */
export function renderTemplate(template: string, values: Record<string, string>, source: string): string {
  const unknown = new Set<string>();
  for (const match of template.matchAll(VARIABLE)) {
    if (!Object.prototype.hasOwnProperty.call(values, match[1] ?? '')) unknown.add(match[1] || '(empty)');
  }
  if (unknown.size > 0) {
    throw new PromptTemplateError(
      `prompt template ${source} uses unknown variable(s) ${[...unknown].map((v) => `{{${v}}}`).join(', ')}; available: ${Object.keys(
        values,
      )
        .map((k) => `{{${k}}}`)
        .join(', ')}`,
    );
  }
  return template.replace(VARIABLE, (_, name: string) => values[name] ?? '');
}

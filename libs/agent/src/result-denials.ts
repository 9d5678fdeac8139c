/** One tool call the CLI refused, as its result event lists it in `permission_denials`. */
export interface PermissionDenial {
  tool_name: string;
  tool_use_id?: string;
  tool_input?: unknown;
}

/** Reads the `permission_denials` array of a result event, keeping only well-formed entries. */
export function toPermissionDenials(value: unknown): PermissionDenial[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter(
      (d): d is Record<string, unknown> =>
        typeof d === 'object' && d !== null && typeof (d as Record<string, unknown>)['tool_name'] === 'string',
    )
    .map((d) => ({
      tool_name: d['tool_name'] as string,
      tool_use_id: typeof d['tool_use_id'] === 'string' ? d['tool_use_id'] : undefined,
      tool_input: d['tool_input'],
    }));
}

import {
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** Linear's published limits: one query may cost at most this many points. */
export const LINEAR_MAX_COMPLEXITY = 10_000;
/** A connection without `first`/`last` returns (and costs) 50 nodes. */
const DEFAULT_PAGE = 50;

/**
 * What Linear charges for a GraphQL request: its complexity rounded up to a whole point, as Linear
 * publishes ("then round up"), so a mutation selecting one field costs 2 (1 object + 0.1), not 1.1.
 * This is what the hourly complexity budget is spent by and what `x-complexity` says.
 */
export function scoreLinearQuery(
  query: string,
  variables: Record<string, unknown> = {},
  operationName?: string,
): number {
  return Math.ceil(exactLinearScore(query, variables, operationName));
}

/**
 * Scores a GraphQL request the way Linear documents its complexity: each property 0.1 point, each
 * object 1 point, and a connection multiplies the points of its children by its `first` (or `last`)
 * argument, 50 when omitted. A connection is a field that takes `first`/`last` or selects `nodes`/
 * `edges` (Linear's Relay convention), so no schema is needed. Returns the unrounded score, as
 * Linear's own "too complex" message quotes it; `scoreLinearQuery` is what it charges.
 */
export function exactLinearScore(
  query: string,
  variables: Record<string, unknown> = {},
  operationName?: string,
): number {
  const doc = parse(query);
  const operations = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) throw new Error(`exactLinearScore: no operation ${operationName ?? ''} in the document`);
  const fragments = new Map(
    doc.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const defaults = new Map(operation.variableDefinitions?.map((v) => [v.variable.name.value, v.defaultValue]) ?? []);
  const intArg = (value: ValueNode): number | undefined => {
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind !== Kind.VARIABLE) return undefined;
    const given = variables[value.name.value];
    if (typeof given === 'number') return given;
    const fallback = defaults.get(value.name.value);
    return fallback ? intArg(fallback) : undefined;
  };
  // Tenths of a point, so sums of 0.1 stay exact.
  const score = (set: SelectionSetNode): number => {
    let tenths = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) tenths += score(sel.selectionSet);
      else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(sel.name.value);
        if (fragment) tenths += score(fragment.selectionSet);
      } else if (!sel.selectionSet) tenths += 1;
      else {
        const page = sel.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
        const isConnection =
          page !== undefined ||
          sel.selectionSet.selections.some(
            (s) => s.kind === Kind.FIELD && (s.name.value === 'nodes' || s.name.value === 'edges'),
          );
        const children = score(sel.selectionSet);
        tenths += isConnection
          ? (page ? (intArg(page.value) ?? DEFAULT_PAGE) : DEFAULT_PAGE) * children
          : 10 + children;
      }
    }
    return tenths;
  };
  return score(operation.selectionSet) / 10;
}

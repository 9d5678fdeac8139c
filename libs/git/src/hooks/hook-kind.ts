/** The four repo hooks, in the order a session meets them. */
export const HOOK_KINDS = ['afterCreate', 'beforeRun', 'afterRun', 'beforeRemove'] as const;

/** One of the repo hooks (`hooks.<kind>` in a repo's config). */
export type HookKind = (typeof HOOK_KINDS)[number];

/** What runs in a worktree through runHook: a repo hook, or one of the repo's checks (`repos[].checks`). */
export type WorktreeCommandKind = HookKind | 'check';

import type { LiveRestoreReport } from "./bindings";

/**
 * The last restore of this session, kept outside the Backups card so
 * "Undo restore" is still offered after looking at other pages.
 */
export const lastRestore = $state<{ report: LiveRestoreReport | null; undone: boolean }>({
  report: null,
  undone: false,
});

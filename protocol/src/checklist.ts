import * as z from 'zod/mini';

/*
 * The agent's verification checklist: what must be confirmed on the call before a session may be
 * approved (photo matches face, hologram visible when tilted, ...). The bank configures the items
 * (VERIFICATION_CHECKLIST); the agent's page shows them, and the session refuses an approval that
 * does not tick every one.
 */

/** Most items a checklist may have: more would not be read on a call. */
export const MAX_CHECKLIST_ITEMS = 20;

/** A stable machine id: it lands in audit trails and test ids, so lowercase letters, digits, `_`. */
export const ChecklistItemId = z.string().check(z.regex(/^[a-z0-9_]{1,40}$/, 'must be 1..40 of a-z, 0-9, _'));
export type ChecklistItemId = z.infer<typeof ChecklistItemId>;

const Label = z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(200, 'must be at most 200 characters'));

/** One item with its label in each page locale; `zh` is optional (a Chinese page falls back to `en`). */
export const ChecklistItem = z.object({ id: ChecklistItemId, ko: Label, en: Label, zh: z.optional(Label) });
export type ChecklistItem = z.infer<typeof ChecklistItem>;

/** A configured checklist: 1..20 items, ids unique; unknown fields refused (they would be typos). */
export const VerificationChecklist = z
  .array(z.strictObject(ChecklistItem.shape))
  .check(
    z.minLength(1, 'must have at least one item'),
    z.maxLength(MAX_CHECKLIST_ITEMS, `must have at most ${MAX_CHECKLIST_ITEMS} items`),
    z.refine((items) => new Set(items.map((i) => i.id)).size === items.length, 'item ids must be unique'),
  );
export type VerificationChecklist = z.infer<typeof VerificationChecklist>;

/**
 * The ids an agent ticked, as sent with `decide`: each once. The configured items plus the
 * session's drawn security features (security-features.ts, at most 5).
 */
export const TickedChecklist = z
  .array(ChecklistItemId)
  .check(
    z.maxLength(MAX_CHECKLIST_ITEMS + 5),
    z.refine((ids) => new Set(ids).size === ids.length, 'checklist items must not repeat'),
  );

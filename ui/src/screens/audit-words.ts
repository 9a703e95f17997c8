// The words the audit trail stores for actions and outcomes, for the audit
// viewer's filters. Each list is a Record over the generated type, so a new
// action or outcome in the core fails the UI build until it is listed here.
import type { Action } from "../bindings/Action";
import type { Outcome } from "../bindings/Outcome";

const ACTIONS: Record<Action, true> = {
  sign_in: true, sign_out: true, pin_failed: true, lockout: true, unlock: true,
  charge: true, capture: true, void: true, refund: true, refund_approval: true,
  resolve_in_doubt: true, gateway_key_set: true, gateway_key_removed: true,
  gateway_configured: true, mode_switch: true, staff_created: true, staff_changed: true,
  settings_changed: true, export: true, permission_denied: true, close_day: true,
  report_export: true, reconcile_import: true, receipt_emailed: true,
  cache_key_rotated: true, support_recipients_changed: true, setup_recovered: true,
};

const OUTCOMES: Record<Outcome, true> = {
  ok: true, denied: true, refused: true, rejected: true, failed: true, rate_limited: true,
  needs_approval: true, limit_reached: true, bound: true, locked: true, slow_down: true,
  idle: true, no_longer_active: true, recovered: true, pending: true, in_doubt: true,
  approved: true, authorized: true, declined: true, cancelled: true, voided: true,
  captured: true, refunded: true, succeeded: true, capture_or_void_not_done: true,
  authorisation_expired: true,
};

const isAction = (word: string): word is Action => Object.prototype.hasOwnProperty.call(ACTIONS, word);
const isOutcome = (word: string): word is Outcome => Object.prototype.hasOwnProperty.call(OUTCOMES, word);

/** The chosen action, or none for "any". */
export const chosenAction = (select: HTMLSelectElement): Action | undefined =>
  isAction(select.value) ? select.value : undefined;

/** The chosen outcome, or none for "any". */
export const chosenOutcome = (select: HTMLSelectElement): Outcome | undefined =>
  isOutcome(select.value) ? select.value : undefined;

/** Fills the two filters, after their "any" option, in alphabetical order. */
export function fillAuditFilters(actions: HTMLSelectElement, outcomes: HTMLSelectElement): void {
  for (const [select, words] of [
    [actions, Object.keys(ACTIONS)],
    [outcomes, Object.keys(OUTCOMES)],
  ] as const) {
    for (const word of [...words].sort()) {
      select.append(new Option(word.replace(/_/g, " "), word));
    }
  }
}

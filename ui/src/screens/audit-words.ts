// The words the audit trail stores for actions and outcomes, for the audit
// viewer's filters and rows. Each list is a Record over the generated type
// whose values are message ids, so a new action or outcome in the core fails
// the UI build until it is listed here, and a static check can match each
// id with the catalogs. The stored word itself stays the filter's value.
import type { Action } from "../bindings/Action";
import type { Outcome } from "../bindings/Outcome";
import { currentLanguage, t } from "../kit/l10n";

const ACTIONS: Record<Action, string> = {
  sign_in: "audit-action-sign-in",
  sign_out: "audit-action-sign-out",
  pin_failed: "audit-action-pin-failed",
  lockout: "audit-action-lockout",
  unlock: "audit-action-unlock",
  charge: "audit-action-charge",
  capture: "audit-action-capture",
  void: "audit-action-void",
  refund: "audit-action-refund",
  refund_approval: "audit-action-refund-approval",
  resolve_in_doubt: "audit-action-resolve-in-doubt",
  gateway_key_set: "audit-action-gateway-key-set",
  gateway_key_removed: "audit-action-gateway-key-removed",
  gateway_configured: "audit-action-gateway-configured",
  mode_switch: "audit-action-mode-switch",
  staff_created: "audit-action-staff-created",
  staff_changed: "audit-action-staff-changed",
  settings_changed: "audit-action-settings-changed",
  export: "audit-action-export",
  permission_denied: "audit-action-permission-denied",
  close_day: "audit-action-close-day",
  report_export: "audit-action-report-export",
  reconcile_import: "audit-action-reconcile-import",
  receipt_emailed: "audit-action-receipt-emailed",
  cache_key_rotated: "audit-action-cache-key-rotated",
  support_recipients_changed: "audit-action-support-recipients-changed",
  setup_recovered: "audit-action-setup-recovered",
  recovery_kit_issued: "audit-action-recovery-kit-issued",
  backup_made: "audit-action-backup-made",
  restored: "audit-action-restored",
};

const OUTCOMES: Record<Outcome, string> = {
  ok: "audit-outcome-ok",
  denied: "audit-outcome-denied",
  refused: "audit-outcome-refused",
  rejected: "audit-outcome-rejected",
  failed: "audit-outcome-failed",
  rate_limited: "audit-outcome-rate-limited",
  needs_approval: "audit-outcome-needs-approval",
  limit_reached: "audit-outcome-limit-reached",
  bound: "audit-outcome-bound",
  locked: "audit-outcome-locked",
  slow_down: "audit-outcome-slow-down",
  idle: "audit-outcome-idle",
  no_longer_active: "audit-outcome-no-longer-active",
  recovered: "audit-outcome-recovered",
  pending: "audit-outcome-pending",
  in_doubt: "audit-outcome-in-doubt",
  approved: "audit-outcome-approved",
  authorized: "audit-outcome-authorized",
  declined: "audit-outcome-declined",
  cancelled: "audit-outcome-cancelled",
  voided: "audit-outcome-voided",
  captured: "audit-outcome-captured",
  refunded: "audit-outcome-refunded",
  succeeded: "audit-outcome-succeeded",
  capture_or_void_not_done: "audit-outcome-capture-or-void-not-done",
  authorisation_expired: "audit-outcome-authorisation-expired",
};

const isAction = (word: string): word is Action => Object.prototype.hasOwnProperty.call(ACTIONS, word);
const isOutcome = (word: string): word is Outcome => Object.prototype.hasOwnProperty.call(OUTCOMES, word);

/** The chosen action, or none for "any". */
export const chosenAction = (select: HTMLSelectElement): Action | undefined =>
  isAction(select.value) ? select.value : undefined;

/** The chosen outcome, or none for "any". */
export const chosenOutcome = (select: HTMLSelectElement): Outcome | undefined =>
  isOutcome(select.value) ? select.value : undefined;

/** A stored action in the shop's language (as stored when this window does not know it). */
export const actionWord = (word: string): string => (isAction(word) ? t(ACTIONS[word]) : word);

/** A stored outcome in the shop's language (as stored when this window does not know it). */
export const outcomeWord = (word: string): string => (isOutcome(word) ? t(OUTCOMES[word]) : word);

/** Fills (or, after a change of language, refills) the two filters after
 * their "any" option, in the language's alphabetical order, keeping the choice. */
export function fillAuditFilters(actions: HTMLSelectElement, outcomes: HTMLSelectElement): void {
  const lists: [HTMLSelectElement, Record<string, string>][] = [
    [actions, ACTIONS],
    [outcomes, OUTCOMES],
  ];
  for (const [select, words] of lists) {
    const chosen = select.value;
    const any = select.options[0];
    const options = Object.entries(words)
      .map(([word, id]) => new Option(t(id), word))
      .sort((a, b) => a.text.localeCompare(b.text, currentLanguage()));
    if (any) select.replaceChildren(any, ...options);
    else select.replaceChildren(...options);
    select.value = chosen;
  }
}

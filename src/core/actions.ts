/** The follow-up actions' rules, in one place: which are still to do, and when one is overdue. */

/** An action still to do: open or in progress. */
export function isOpenAction(a: { status: string }): boolean {
  return a.status === 'open' || a.status === 'in_progress';
}

/** An action still to do whose due date (`YYYY-MM-DD`) is before `today` (`YYYY-MM-DD`, UTC): overdue from the next day. */
export function isOverdue(a: { status: string; due?: string | undefined }, today: string): boolean {
  return isOpenAction(a) && a.due !== undefined && a.due < today;
}

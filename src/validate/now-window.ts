/**
 * The window of "now" over which a validation result stays exactly the same. Validation records each instant at
 * which a rule that depends on "now" would change its verdict (a start in the future, an action's due date, the
 * 30-day mark of an ongoing incident); the build cache reuses a result only inside its window, and `dev`
 * validates a file again when its window has passed. One mechanism for both.
 */

export interface NowWindow {
  /** The result holds for now in [from, until). */
  from: number;
  until: number;
}

export function openWindow(): NowWindow {
  return { from: -Infinity, until: Infinity };
}

/** Whether `now` lies in a result's window (absent bounds: unbounded). */
export function inWindow(w: { nowFrom?: number; nowUntil?: number }, now: number): boolean {
  return now >= (w.nowFrom ?? -Infinity) && now < (w.nowUntil ?? Infinity);
}

/** Record that the result holds only while now ≥ t (`atLeast`) or now < t. */
export function nowSide(w: NowWindow | undefined, t: number, atLeast: boolean): void {
  if (!w) return;
  if (atLeast) w.from = Math.max(w.from, t);
  else w.until = Math.min(w.until, t);
}

/** Record that the result (a message quoting now) holds for this very now only. */
export function nowExact(w: NowWindow | undefined, now: number): void {
  nowSide(w, now, true);
  nowSide(w, now + 1, false);
}

/** Record which side of `t` now is on, and say whether now is past it (now > t: the verdict of "later than now"). */
export function isPast(w: NowWindow | undefined, now: number, t: number): boolean {
  if (t > now) nowExact(w, now);
  else nowSide(w, t, true);
  return t <= now;
}

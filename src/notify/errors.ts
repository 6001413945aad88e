/** A failure of `postmortem notify` that is said plainly: a usage mistake (exit 2) or a problem of the run (exit 1). */
export class NotifyError extends Error {
  constructor(
    message: string,
    readonly kind: 'usage' | 'failed' = 'failed',
  ) {
    super(message);
  }
}

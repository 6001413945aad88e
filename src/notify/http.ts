/**
 * Posting one message: a timeout per attempt, retries with back-off on a network error, 408, 429 and 5xx (honouring
 * `Retry-After`, capped), all within an overall deadline. What goes wrong is said without the URL or any text that
 * could hold it: an error's code, an HTTP status, the start of the answer with every secret masked.
 */

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface PostOptions {
  /** Per attempt. */
  timeoutMs: number;
  /** Absolute time (of `clock`) after which no attempt starts and no wait goes. */
  deadline: number;
  maxAttempts: number;
  /** First wait between attempts; doubled after each. */
  backoffMs: number;
  /** The longest `Retry-After` honoured as given; a longer one is waited this long. */
  retryAfterCapMs: number;
  /** Masks the secrets in a text shown to people. */
  redact: (s: string) => string;
  fetch?: typeof fetch;
  clock?: () => number;
  /** Stops waiting and sending (the run was cancelled). */
  signal?: AbortSignal;
}

export interface PostResult {
  delivered: boolean;
  attempts: number;
  /** The last HTTP status, if an answer came. */
  status?: number;
  /** Why it was not delivered (never holding a secret). */
  error?: string;
  ms: number;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'answer cut off',
};

/** A fetch error in words, from its name and code only (messages may quote the URL). */
export function describeFetchError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (err?.name === 'TimeoutError' || err?.cause?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  if (err?.name === 'AbortError') return 'cancelled';
  const code = err?.cause?.code ?? err?.code;
  if (code && NETWORK_CODES[code]) return NETWORK_CODES[code]!;
  if (code && /CERT|TLS|SSL/i.test(code)) return `TLS error (${code})`;
  return code && /^[A-Z0-9_]{2,40}$/.test(code) ? `network error (${code})` : 'network error';
}

/** Milliseconds to wait from a `Retry-After` header (seconds or an HTTP date), or null. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null) return null;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** One attempt: the status and the start of the answer's text, or a thrown fetch error. */
async function attempt(req: HttpRequest, opts: PostOptions, timeoutMs: number): Promise<{ status: number; retryAfter: string | null; text: string }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const res = await (opts.fetch ?? fetch)(req.url, { method: 'POST', headers: req.headers, body: req.body, redirect: 'manual', signal });
  const text = (await res.text()).slice(0, 300);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text };
}

/** Post `request()` (called again for each attempt: a signature carries the time it is sent) until delivered, refused or out of time. */
export async function post(request: () => HttpRequest, opts: PostOptions): Promise<PostResult> {
  const clock = opts.clock ?? Date.now;
  const start = clock();
  let wait = opts.backoffMs;
  let last: Omit<PostResult, 'attempts' | 'ms'> = { delivered: false, error: 'not attempted: the deadline had passed' };
  let attempts = 0;
  while (attempts < opts.maxAttempts && !opts.signal?.aborted) {
    const left = opts.deadline - clock();
    if (left <= 0) break;
    attempts++;
    let retryAfter: number | null = null;
    const timeoutMs = Math.min(opts.timeoutMs, left);
    try {
      const r = await attempt(request(), opts, timeoutMs);
      if (r.status >= 200 && r.status < 300) return { delivered: true, attempts, status: r.status, ms: clock() - start };
      const said = r.text.trim() ? `: ${opts.redact(r.text.replace(/\s+/g, ' ').trim()).slice(0, 200)}` : '';
      const why = r.status >= 300 && r.status < 400 ? ' (a redirect: give the final URL of the webhook)' : '';
      last = { delivered: false, status: r.status, error: `HTTP ${r.status}${why}${said}` };
      if (!retryable(r.status)) break;
      retryAfter = retryAfterMs(r.retryAfter, clock());
    } catch (e) {
      const why = describeFetchError(e, timeoutMs);
      // An attempt cut short by the deadline says so, rather than an odd fraction of a second.
      last = { delivered: false, error: timeoutMs < opts.timeoutMs && why.startsWith('no answer') ? 'no answer before the deadline' : why };
      if (opts.signal?.aborted) break;
    }
    if (attempts >= opts.maxAttempts) break;
    const delay = retryAfter !== null ? Math.min(retryAfter, opts.retryAfterCapMs) : wait;
    wait *= 2;
    if (clock() + delay >= opts.deadline) {
      if (!last.error?.endsWith('deadline')) last = { ...last, error: `${last.error}; no time left to try again before the deadline` };
      break;
    }
    await sleep(delay, opts.signal);
  }
  if (opts.signal?.aborted) {
    const error = attempts === 0 ? 'not sent: the run was cancelled' : last.error === 'cancelled' ? 'the run was cancelled while sending it' : `the run was cancelled (last: ${last.error})`;
    last = { delivered: false, error };
  }
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  return { ...last, error: attempts > 0 ? `${last.error} (${tries})` : last.error, attempts, ms: clock() - start };
}

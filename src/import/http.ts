/**
 * Fetching JSON for an import: a timeout per request, retries with exponential back-off on 429 and 5xx (and on
 * network errors), honouring `Retry-After` up to a cap, a size limit, and messages that never carry a secret
 * (headers are not printed; a URL is printed without its query string).
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** The most a JSON input may weigh, as a file or a response. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export interface FetchOptions {
  /** Per request, ms. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** First back-off, ms (doubled each retry). */
  backoffMs: number;
  /** Longest wait a `Retry-After` may ask for, ms. */
  maxRetryAfterMs: number;
  headers?: Record<string, string>;
  /** Follow redirects (a public page, no credentials); refused when credentials are sent. */
  followRedirects?: boolean;
  /** Told of each retry (a progress line). */
  onRetry?: (message: string) => void;
}

export const DEFAULT_FETCH: FetchOptions = { timeoutMs: 30_000, retries: 4, backoffMs: 1000, maxRetryAfterMs: 60_000 };

export class FetchError extends Error {}

/** A URL as it may be printed: no credentials, no query string. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}

/** `Retry-After` (seconds or an HTTP date) in ms, or null. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

function retryable(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** GET `url` and parse its JSON body, retrying what may succeed later. */
export async function fetchJson(url: string, opts: FetchOptions): Promise<unknown> {
  const shown = shownUrl(url);
  for (let attempt = 0; ; attempt++) {
    let wait = opts.backoffMs * 2 ** attempt;
    let failure: string;
    try {
      const res = await fetch(url, { headers: { accept: 'application/json', ...opts.headers }, redirect: opts.followRedirects ? 'follow' : 'manual', signal: AbortSignal.timeout(opts.timeoutMs) });
      if (res.ok) return parseJson(await readBody(res, shown), shown);
      await res.body?.cancel().catch(() => undefined);
      failure = `${shown} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
      if (res.status >= 300 && res.status < 400) throw new FetchError(`${failure} (a redirect; give the final address)`);
      if (res.status === 401 || res.status === 403) throw new FetchError(`${failure}: the API key was refused (check the key and its page)`);
      if (!retryable(res.status)) throw new FetchError(failure);
      const asked = retryAfterMs(res.headers.get('retry-after'));
      if (asked !== null) wait = Math.min(asked, opts.maxRetryAfterMs);
    } catch (e) {
      if (e instanceof FetchError) throw e;
      const err = e as Error & { cause?: { code?: string } };
      failure = err.name === 'TimeoutError' ? `${shown} did not answer within ${opts.timeoutMs / 1000} s` : `${shown} could not be reached (${err.cause?.code ?? err.message})`;
    }
    if (attempt >= opts.retries) throw new FetchError(`${failure}; gave up after ${attempt + 1} attempts`);
    opts.onRetry?.(`${failure}; retrying in ${(wait / 1000).toFixed(wait < 1000 ? 1 : 0)} s`);
    await sleep(wait);
  }
}

async function readBody(res: Response, shown: string): Promise<string> {
  const length = Number(res.headers.get('content-length') ?? NaN);
  if (length > MAX_INPUT_BYTES) throw new FetchError(`${shown} is ${length} bytes, over the ${MAX_INPUT_BYTES / 1024 / 1024} MiB limit of an import`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_INPUT_BYTES) throw new FetchError(`${shown} is over the ${MAX_INPUT_BYTES / 1024 / 1024} MiB limit of an import`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON text → value, or an error that says where it stopped making sense. */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    let at = '';
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos);
      at = ` at line ${before.split('\n').length}, column ${pos - before.lastIndexOf('\n')}`;
    }
    const start = text.trimStart().slice(0, 1);
    const hint = start === '<' ? ' (it looks like HTML: is the address that of the page rather than its API?)' : '';
    throw new FetchError(`${where} is not JSON${at}: ${(e as Error).message.replace(/ in JSON at position \d+.*$/s, '')}${hint}`);
  }
}

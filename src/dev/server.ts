/**
 * The HTTP server of `dev`: serves the site from memory under the path of base_url, with live reload.
 *
 * - Every file comes from the same producer as `build` writes (render/outputs.ts), rendered when asked for and
 *   kept until the site changes, so an edit costs only the files asked for afterwards. Files of
 *   `<root>/static/` are read from disk, after the generated files (as in `build`, where generated files
 *   replace static ones of the same path).
 * - HTML responses get a stylesheet and a script from `<base>__postmortem/` (external files, so the pages'
 *   Content-Security-Policy allows them). The script listens to server-sent events at
 *   `<base>__postmortem/events` and reloads the page on `reload`. Nothing of this is ever in `build` output.
 * - When the project has errors the last good site is still served and every page carries an overlay listing
 *   the diagnostics (escaped), the same text as the terminal; it goes away when the files are fixed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { escapeHtml } from '../core/text.js';
import { escapeControls, escapeControlsKeepLines, say } from '../core/terminal.js';
import { AllowedHosts, hostOf, parseAllowedHosts } from './hosts.js';
import { resolveInput, STATIC_DIR } from '../source/index.js';
import type { SiteOutputs } from '../render/index.js';
import { CLIENT_JS, CLIENT_PATH, DEV_CSS, EVENTS_PATH, OVERLAY_ID, STYLE_PATH } from './client.js';

/** Largest number of rendered responses kept per model (a crawl of a huge site must not keep every page). */
const MEMO_LIMIT = 2000;

export interface ServedSite {
  /** The files of the whole site, or how to get them (once, on first use: the whole model costs O(incidents)). */
  outputs: SiteOutputs | (() => SiteOutputs);
  /**
   * Files exact for incident pages only (from a patched model, see `patchIncidentModel`): incident pages are
   * served from them without waiting for the whole model. Default: `outputs`.
   */
  incidentOutputs?: SiteOutputs;
  /** `config.basePath` */
  basePath: string;
}

/** What the overlay shows: a headline and the diagnostics as the terminal prints them (plain text). */
export interface Problems {
  title: string;
  text: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
};

/** Content-Type of a site path. */
export function contentType(sitePath: string): string {
  const base = sitePath.slice(sitePath.lastIndexOf('/') + 1);
  if (base === 'feed.xml') return 'application/atom+xml; charset=utf-8';
  if (base === 'feed.json') return 'application/feed+json; charset=utf-8';
  return TYPES[path.extname(base).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * A request path → the site path under `basePath`, or why not. Decodes once, strictly; rejects `..`, `.`,
 * empty inner segments, backslashes and NUL, so nothing can reach outside the site.
 */
export function resolveRequestPath(
  rawUrl: string,
  basePath: string,
): { kind: 'site'; path: string } | { kind: 'redirect'; location: string } | { kind: 'outside' } | { kind: 'bad' } {
  const q = rawUrl.search(/[?#]/);
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q).replace(/#.*$/, '');
  if (!rawPath.startsWith('/')) return { kind: 'bad' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'bad' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'bad' };
  const segments = decoded.split('/').slice(1);
  if (segments.some((s, i) => s === '..' || s === '.' || (s === '' && i < segments.length - 1))) return { kind: 'bad' };
  let base = basePath;
  try {
    base = decodeURIComponent(basePath); // base_url's path is percent-encoded (`/my%20status/`)
  } catch {
    // keep it as it is
  }
  if (base !== '/' && (decoded === '/' || `${decoded}/` === base)) return { kind: 'redirect', location: basePath + query };
  if (!decoded.startsWith(base)) return { kind: 'outside' };
  return { kind: 'site', path: decoded.slice(base.length) };
}

interface Entry {
  status: number;
  type: string;
  body: string | Uint8Array;
}

export interface DevServerOptions {
  /** Project root; `<root>/static/` is served too. */
  root: string;
  /** Where to report errors of the server itself. */
  log: (line: string) => void;
  /** Names a request's Host may have besides the server's own (`--allowed-host`; see hosts.ts). */
  allowedHosts?: readonly string[];
  /** Time a client has to send a request's headers, ms (default HEADERS_TIMEOUT_MS). */
  headersTimeoutMs?: number;
}

/**
 * Time a client has to send the headers of a request (and all of a request): a client that sends them a byte at
 * a time ("slow loris") is cut off then instead of after Node's 300 s. Checked every CHECK_INTERVAL_MS.
 */
export const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const CHECK_INTERVAL_MS = 1_000;
/** Distinct refused Host names said in the terminal (the rest are refused silently). */
const REFUSALS_SHOWN = 10;

export interface Listening {
  port: number;
  host: string;
  /** Ports tried and found in use before the one listened on. */
  busy: number[];
}

export class DevServer {
  private readonly server: http.Server;
  private readonly clients = new Set<http.ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;
  private site: ServedSite | null = null;
  private problems: Problems | null = null;
  private memo = new Map<string, Entry>();
  /** Changes at every `notify()`: pages carry it, the event stream announces it. */
  version = 0;
  /** Path under which the site is served (`config.basePath`). */
  basePath = '/';
  /** Responses served (for the curious: tests, the benchmark). */
  renders = 0;

  private hosts = new AllowedHosts('127.0.0.1');
  private readonly refused = new Set<string>();

  constructor(private readonly opts: DevServerOptions) {
    const headersTimeout = opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
    const options = { headersTimeout, requestTimeout: Math.max(headersTimeout, REQUEST_TIMEOUT_MS), connectionsCheckingInterval: Math.min(CHECK_INTERVAL_MS, headersTimeout) };
    this.server = http.createServer(options, (req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        this.opts.log(say`postmortem dev: error serving ${req.url}:` + `\n${escapeControlsKeepLines(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
        if (!res.headersSent) this.send(res, req, { status: 500, type: TYPES['.txt']!, body: `Internal error: ${e instanceof Error ? e.message : String(e)}\n` });
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 5000;
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.write(': ping\n\n');
    }, 20_000);
    this.heartbeat.unref();
  }

  /** The last good site (kept while the project has errors). */
  setSite(site: ServedSite): void {
    this.site = site;
    this.basePath = site.basePath;
    this.memo = new Map();
  }

  /** The files of the whole served site (its model built now if it was deferred). */
  outputs(): SiteOutputs | null {
    const site = this.site;
    if (!site) return null;
    if (typeof site.outputs === 'function') site.outputs = site.outputs();
    return site.outputs;
  }

  get hasSite(): boolean {
    return this.site !== null;
  }

  setProblems(problems: Problems | null): void {
    this.problems = problems;
  }

  /** Tell every open page to reload. */
  notify(): void {
    this.version++;
    const msg = `event: reload\ndata: ${this.version}\n\n`;
    for (const c of this.clients) c.write(msg);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Listen on `port`, or the next ports when it is taken (`tries` in all); port 0 picks a free one. */
  async listen(host: string, port: number, tries = 10): Promise<Listening> {
    const busy: number[] = [];
    this.hosts = new AllowedHosts(host, parseAllowedHosts(this.opts.allowedHosts ?? []));
    for (let i = 0; i < (port === 0 ? 1 : tries); i++) {
      const p = port === 0 ? 0 : port + i;
      if (p > 65535) break;
      try {
        await new Promise<void>((resolve, reject) => {
          const onError = (e: Error) => {
            this.server.off('listening', onListening);
            reject(e);
          };
          const onListening = () => {
            this.server.off('error', onError);
            resolve();
          };
          this.server.once('error', onError);
          this.server.once('listening', onListening);
          this.server.listen(p, host);
        });
        const addr = this.server.address() as AddressInfo;
        return { port: addr.port, host, busy };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          busy.push(p);
          continue;
        }
        throw e;
      }
    }
    const err = new Error(
      busy.length > 1 ? `ports ${busy[0]}–${busy[busy.length - 1]} are all in use` : `port ${busy[0] ?? port} is in use`,
    ) as NodeJS.ErrnoException;
    err.code = 'EADDRINUSE';
    throw err;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.end();
    this.clients.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // -------------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!this.hosts.allows(req.headers.host)) return this.refuseHost(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': TYPES['.txt']! });
      res.end('Method not allowed\n');
      return;
    }
    const target = resolveRequestPath(req.url ?? '/', this.basePath);
    if (target.kind === 'bad') return this.send(res, req, { status: 400, type: TYPES['.txt']!, body: 'Bad request: malformed or unsafe path\n' });
    if (target.kind === 'redirect') return this.redirect(res, target.location, 302);
    if (target.kind === 'outside') {
      const base = escapeHtml(this.basePath);
      return this.send(res, req, {
        status: 404,
        type: TYPES['.html']!,
        body: `<!doctype html><meta charset="utf-8"><title>Not found</title><p>Not found. The site is served under <a href="${base}">${base}</a>, the path of <code>base_url</code> in site.yaml, so that links behave as they will in production.</p>\n`,
      });
    }
    const sitePath = target.path;
    if (sitePath === EVENTS_PATH) return this.events(req, res);
    if (sitePath === CLIENT_PATH) return this.send(res, req, { status: 200, type: TYPES['.js']!, body: CLIENT_JS });
    if (sitePath === STYLE_PATH) return this.send(res, req, { status: 200, type: TYPES['.css']!, body: DEV_CSS });

    const file = sitePath === '' || sitePath.endsWith('/') ? `${sitePath}index.html` : sitePath;
    if (!this.site) {
      // Nothing was ever built: every page is the overlay.
      if (file.endsWith('.html')) return this.send(res, req, this.withDevMarkup({ status: 503, type: TYPES['.html']!, body: this.placeholderPage() }));
      return this.send(res, req, { status: 503, type: TYPES['.txt']!, body: 'The site could not be built yet; see the terminal.\n' });
    }
    let entry: Entry | null;
    try {
      entry = (await this.lookup(file)) ?? null;
      if (!entry && !path.posix.extname(file) && !file.endsWith('index.html')) {
        // `incidents/x` → `incidents/x/`, as static hosts do.
        if (await this.lookup(`${file}/index.html`)) {
          const raw = (req.url ?? '/').replace(/[?#].*$/, '');
          const query = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
          return this.redirect(res, `${raw}/${query}`, 301);
        }
      }
      if (!entry) {
        const notFound = await this.lookup('404.html');
        entry = notFound ? { ...notFound, status: 404 } : { status: 404, type: TYPES['.txt']!, body: 'Not found\n' };
      }
    } catch (e) {
      // A template that fails at render time: say so on the page and in the terminal, keep serving.
      const message = e instanceof Error ? e.message : String(e);
      this.opts.log(say`postmortem dev: could not render ${file}: ${message}\n`);
      const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Render error</title></head><body><h1>Could not render ${escapeHtml(file)}</h1><pre>${escapeHtml(e instanceof Error ? (e.stack ?? message) : message)}</pre></body></html>\n`;
      return this.send(res, req, this.withDevMarkup({ status: 500, type: TYPES['.html']!, body }));
    }
    this.send(res, req, entry.type.startsWith('text/html') ? this.withDevMarkup(entry) : entry);
  }

  /** A generated file (memoized per model), else a file of `static/`, else undefined. */
  private async lookup(file: string): Promise<Entry | undefined> {
    const memo = this.memo.get(file);
    if (memo !== undefined) return memo;
    const site = this.site!;
    const fromIncidents = site.incidentOutputs && /^incidents\/[^/]+\/index\.html$/.test(file);
    const pending = fromIncidents ? site.incidentOutputs!.get(file) : this.outputs()!.get(file);
    if (!pending) return (await this.readStatic(file)) ?? undefined; // static files are read from disk every time
    const entry: Entry = { status: 200, type: contentType(file), body: pending.render() };
    this.renders++;
    // The search index is rebuilt in the background, without a new model: never remembered.
    if (file.startsWith('pagefind/')) return entry;
    if (this.memo.size >= MEMO_LIMIT) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(file, entry);
    return entry;
  }

  /**
   * A regular file of `<root>/static/`, without dot names, under the rule of every input path (as `build` copies
   * it): never through a link out of the project or into a hidden folder, `static/` itself included.
   */
  private async readStatic(file: string): Promise<Entry | null> {
    if (file.split('/').some((s) => s.startsWith('.') || s === '')) return null;
    try {
      const where = await resolveInput(this.opts.root, `${STATIC_DIR}/${file}`);
      if (!where.ok) return null;
      const realFile = where.real;
      const s = await stat(realFile);
      if (!s.isFile()) return null;
      return { status: 200, type: contentType(file), body: new Uint8Array(await readFile(realFile)) };
    } catch {
      return null;
    }
  }

  /** A request for another Host: a web page trying to read the preview by DNS rebinding, or a name not allowed yet. */
  private refuseHost(req: http.IncomingMessage, res: http.ServerResponse): void {
    const host = req.headers.host ?? '';
    if (this.refused.size < REFUSALS_SHOWN && !this.refused.has(host)) {
      this.refused.add(host);
      this.opts.log(say`postmortem dev: refused a request for the host "${host}", which is not a name of this server (a protection against DNS rebinding); if it is yours, run with --allowed-host ${hostOf(host) ?? host}\n`);
    }
    this.send(res, req, {
      status: 403,
      type: TYPES['.txt']!,
      body: `Forbidden: the host "${escapeControls(host)}" is not a name of this server. postmortem dev answers requests for localhost, its own addresses and the names given with --allowed-host.\n`,
    });
  }

  private placeholderPage(): string {
    return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>postmortem dev: the site could not be built</title></head>
<body><main><h1>The site could not be built yet</h1><p>Fix the problems listed above; this page reloads by itself.</p></main></body>
</html>
`;
  }

  /** Add the dev stylesheet, the reload script and (with problems) the overlay to an HTML response. */
  private withDevMarkup(entry: Entry): Entry {
    const html = typeof entry.body === 'string' ? entry.body : Buffer.from(entry.body).toString('utf8');
    const base = escapeHtml(this.basePath);
    const head = `<link rel="stylesheet" href="${base}${STYLE_PATH}"><script src="${base}${CLIENT_PATH}" data-version="${this.version}" defer></script>`;
    let out = insertBefore(html, /<\/head\s*>/i, head) ?? head + html;
    if (this.problems) {
      const overlay =
        `<div id="${OVERLAY_ID}" role="alert">` +
        `<p class="pm-title">${escapeHtml(this.problems.title)}</p>` +
        `<p class="pm-note">${this.site ? 'This page is the last good build. ' : ''}Fix the files and the page reloads by itself.</p>` +
        `<pre>${escapeHtml(this.problems.text)}</pre>` +
        `<button type="button" data-postmortem-dismiss>Hide</button></div>`;
      const bodyOpen = /<body\b[^>]*>/i.exec(out);
      out = bodyOpen ? out.slice(0, bodyOpen.index + bodyOpen[0].length) + overlay + out.slice(bodyOpen.index + bodyOpen[0].length) : out + overlay;
    }
    return { ...entry, body: out };
  }

  private events(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    res.write(`retry: 500\nevent: hello\ndata: ${this.version}\n\n`);
    this.clients.add(res);
    const drop = () => this.clients.delete(res);
    req.on('close', drop);
    res.on('close', drop);
  }

  private redirect(res: http.ServerResponse, location: string, status: 301 | 302): void {
    res.writeHead(status, { Location: location, 'Cache-Control': 'no-store', 'Content-Type': TYPES['.txt']! });
    res.end(`Redirecting to ${location}\n`);
  }

  private send(res: http.ServerResponse, req: http.IncomingMessage, entry: Entry): void {
    const body = typeof entry.body === 'string' ? Buffer.from(entry.body, 'utf8') : entry.body;
    res.writeHead(entry.status, {
      'Content-Type': entry.type,
      'Content-Length': String(body.byteLength),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

function insertBefore(html: string, re: RegExp, insert: string): string | null {
  const m = re.exec(html);
  return m ? html.slice(0, m.index) + insert + html.slice(m.index) : null;
}

/** A static host for tests: serve a built site under a path prefix, as GitHub Pages serves a project site. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

export const PREFIX = '/status/';

/** Every file under `dir`, relative, forward slashes, sorted. */
export async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p, base)));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.ics': 'text/calendar; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serve `dir` under `prefix` on 127.0.0.1, with content types, like a static host (GitHub Pages); `headers` are added
 * to every file served (GitHub Pages sends `Access-Control-Allow-Origin: *`).
 */
export async function serveStatic(dir: string, prefix = PREFIX, headers: Record<string, string> = {}): Promise<{ origin: string; base: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let p = decodeURIComponent(url.pathname);
    if (!p.startsWith(prefix)) {
      res.writeHead(404, { 'content-type': TYPES['.html']! }).end(await readFile(path.join(dir, '404.html')).catch(() => ''));
      return;
    }
    p = p.slice(prefix.length);
    if (p === '' || p.endsWith('/')) p += 'index.html';
    const file = path.join(dir, p);
    if (!file.startsWith(dir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const s = await stat(file);
      if (s.isDirectory()) {
        res.writeHead(301, { location: `${url.pathname}/` }).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', ...headers }).end(await readFile(file));
    } catch {
      res.writeHead(404, { 'content-type': TYPES['.html']! }).end(await readFile(path.join(dir, '404.html')).catch(() => ''));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('no server address');
  const origin = `http://127.0.0.1:${addr.port}`;
  return {
    origin,
    base: `${origin}${prefix}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}


/**
 * Where Statuspage data comes from: export files, a page's public API v2 (its address), or the management API v1
 * (a page id, the key from an environment variable, every page of the history). Everything is read before anything
 * is written; a failure on any request is the import's failure.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { FetchError, MAX_INPUT_BYTES, fetchJson, parseJson, type FetchOptions } from './http.js';
import { addDocument, addPage, emptyData, type SpData } from './statuspage-input.js';

/** Incidents per page of the management API (its maximum). */
export const MANAGEMENT_PAGE_SIZE = 100;
/** Pages of incidents read at most (100,000 incidents): a guard against an API that never ends. */
const MAX_PAGES = 1000;

export async function readExportFiles(files: readonly string[], cwd: string): Promise<SpData> {
  const data = emptyData();
  for (const f of files) {
    const abs = path.resolve(cwd, f);
    const shown = path.relative(cwd, abs) || f;
    let size: number;
    try {
      size = (await stat(abs)).size;
    } catch (e) {
      throw new FetchError(`cannot read ${shown}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    if (size > MAX_INPUT_BYTES) throw new FetchError(`${shown} is ${size} bytes, over the ${MAX_INPUT_BYTES / 1024 / 1024} MiB limit of an import`);
    addDocument(data, parseJson(await readFile(abs, 'utf8'), shown), shown);
  }
  return data;
}

/** The public API v2 of a page at `address` (e.g. https://status.example.com). */
export async function readPublicApi(address: string, opts: FetchOptions, progress: (s: string) => void): Promise<SpData> {
  const base = address.replace(/\/+$/, '').replace(/\/api\/v2$/, '');
  const data = emptyData();
  for (const name of ['summary.json', 'incidents.json', 'scheduled-maintenances.json']) {
    progress(`fetching ${base}/api/v2/${name}`);
    addDocument(data, await fetchJson(`${base}/api/v2/${name}`, { ...opts, followRedirects: true }), `api/v2/${name}`);
  }
  return data;
}

/** The management API v1: the page, its components and groups, and every page of its incidents. */
export async function readManagementApi(apiBase: string, pageId: string, key: string, opts: FetchOptions, progress: (s: string) => void): Promise<SpData> {
  const base = `${apiBase.replace(/\/+$/, '')}/pages/${encodeURIComponent(pageId)}`;
  const auth: FetchOptions = { ...opts, headers: { authorization: `OAuth ${key}` }, followRedirects: false };
  const data = emptyData();
  progress('fetching the page, its components and component groups');
  addPage(data, await fetchJson(`${base}`, auth), 'the page');
  for (const [what, url] of [['components', `${base}/components`], ['component groups', `${base}/component-groups`]] as const) {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const list = await fetchJson(`${url}?page=${page}&per_page=${MANAGEMENT_PAGE_SIZE}`, auth);
      if (!Array.isArray(list)) throw new FetchError(`the ${what} (page ${page}): expected a list; found ${typeof list}`);
      addDocument(data, list, `the ${what} (page ${page})`);
      if (list.length < MANAGEMENT_PAGE_SIZE) break;
    }
  }
  let total = 0;
  for (let page = 1; ; page++) {
    if (page > MAX_PAGES) throw new FetchError(`the management API gave more than ${MAX_PAGES} pages of incidents; stopped`);
    const list = await fetchJson(`${base}/incidents?page=${page}&limit=${MANAGEMENT_PAGE_SIZE}`, auth);
    if (!Array.isArray(list)) throw new FetchError(`incidents (page ${page}): expected a list of incidents; found ${list === null ? 'null' : typeof list}`);
    addDocument(data, list, `incidents (page ${page})`);
    total += list.length;
    progress(`fetched ${total} incidents (page ${page})`);
    if (list.length < MANAGEMENT_PAGE_SIZE) break;
  }
  return data;
}

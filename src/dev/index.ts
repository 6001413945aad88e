/**
 * Stage 11, dev: the live preview. The same loader, model and files as `build` (project/, site/, render/outputs.ts),
 * kept in memory, served over HTTP, updated on every change (watcher.ts → project state → publisher.ts).
 */
export { DEFAULT_PORT, displayUrl, PORT_TRIES, startDev, type DevOptions, type DevSession } from './session.js';
export { DEBOUNCE_MS, type Batch } from './watcher.js';
export { contentType, DevServer, resolveRequestPath, type Problems, type ServedSite } from './server.js';
export { CLIENT_JS, CLIENT_PATH, DEV_CSS, DEV_PREFIX, EVENTS_PATH, OVERLAY_ID, STYLE_PATH } from './client.js';
export { openBrowser } from './browser.js';

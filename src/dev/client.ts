/** What `dev` adds to the pages it serves: the live-reload script, the problems overlay and its style. Never in a build. */

/** Where dev-only resources live, under the base path. */
export const DEV_PREFIX = '__postmortem/';
export const EVENTS_PATH = `${DEV_PREFIX}events`;
export const CLIENT_PATH = `${DEV_PREFIX}client.js`;
export const STYLE_PATH = `${DEV_PREFIX}dev.css`;
/** Id of the overlay element (tests look for it). */
export const OVERLAY_ID = 'postmortem-dev-overlay';
/** The script injected into HTML pages by `dev` only. */
export const CLIENT_JS = `// postmortem dev: live reload (injected by \`postmortem dev\`, never part of a build)
(function () {
  'use strict';
  var script = document.currentScript;
  var version = script && script.getAttribute('data-version');
  var events = new URL('events', script ? script.src : location.href).href;
  if (typeof EventSource !== 'function') return;
  var source = new EventSource(events);
  // A change may land between the page being served and this connection: the server says its version.
  source.addEventListener('hello', function (e) { if (version && e.data !== version) location.reload(); });
  source.addEventListener('reload', function () { location.reload(); });
  document.addEventListener('click', function (e) {
    var t = e.target;
    if (t && t.closest && t.closest('[data-postmortem-dismiss]')) {
      var o = document.getElementById('${OVERLAY_ID}');
      if (o) o.hidden = true;
    }
  });
})();
`;

export const DEV_CSS = `/* postmortem dev: the problems overlay (dev only) */
#${OVERLAY_ID} { position: fixed; inset: 0 0 auto 0; z-index: 2147483647; max-height: 70vh; overflow: auto;
  background: #1e1e1e; color: #f0f0f0; border-bottom: 4px solid #e5484d; box-shadow: 0 4px 24px rgba(0,0,0,.5);
  font: 14px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: 1rem 1.25rem; text-align: left; }
#${OVERLAY_ID}[hidden] { display: none; }
#${OVERLAY_ID} .pm-title { margin: 0 0 .75rem; font-weight: bold; color: #ff9592; font-size: 15px; }
#${OVERLAY_ID} .pm-note { margin: 0 0 .75rem; color: #c8c8c8; }
#${OVERLAY_ID} pre { margin: 0; white-space: pre-wrap; word-break: break-word; font: inherit; color: inherit; background: none; }
#${OVERLAY_ID} button { position: absolute; top: .75rem; right: 1rem; font: inherit; background: #333; color: #fff;
  border: 1px solid #666; border-radius: 4px; padding: .2rem .6rem; cursor: pointer; }
`;


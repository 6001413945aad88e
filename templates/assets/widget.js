/*! postmortem status widget: <script src="https://STATUS-SITE/assets/widget.js" async></script>
 * Reads the status site's api/v2/summary.json and shows, in a shadow root, nothing while all is operational, else a
 * banner with the active incident or maintenance linking to it. Options (data- attributes of the script tag):
 * data-site (the status site, default: where this script comes from), data-always="true" (also show "All systems
 * operational"), data-theme="light|dark" (default: the reader's scheme), data-target="#css-selector" (where to put
 * it, default: right after the script), data-refresh (seconds between reads, default 300, 0: never).
 * Text is only ever set as text; links go to the status site only; any failure shows nothing. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !window.fetch || !Element.prototype.attachShadow) return;
  var attr = function (n) { return script.getAttribute('data-' + n); };
  var site;
  try {
    site = new URL(attr('site') || '..', script.src);
    if (!/^https?:$/.test(site.protocol)) return;
    if (!/\/$/.test(site.pathname)) site.pathname += '/';
  } catch (e) { return; }
  var RANK = { critical: 0, major: 1, minor: 2, none: 3, maintenance: 4 };
  var WORDS = { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', in_progress: 'In progress', verifying: 'Verifying', scheduled: 'Scheduled' };
  var DARK = '{--fg:#e6edf3;--bg:#0d1117;--bd:#3d444d;--mu:#9198a1;--ok:#3fb950;--cr:#ff7b72;--ma:#ffa657;--mi:#e3b341;--mt:#79c0ff}';
  var CSS = ':host{all:initial;display:block}' +
    '.w{--fg:#1f2328;--bg:#fff;--bd:#d0d7de;--mu:#59636e;--ok:#1a7f37;--cr:#cf222e;--ma:#bc4c00;--mi:#9a6700;--mt:#0969da}' +
    '.w.dark' + DARK + '@media (prefers-color-scheme:dark){.w.auto' + DARK + '}' +
    '.b{--c:var(--ok);display:flex;gap:.5em;align-items:baseline;flex-wrap:wrap;margin:0;padding:.5em .75em;' +
    'font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);' +
    'border:1px solid var(--bd);border-left:4px solid var(--c);border-radius:6px}' +
    '.critical{--c:var(--cr)}.major{--c:var(--ma)}.minor{--c:var(--mi)}.maintenance{--c:var(--mt)}' +
    '.d{width:.6em;height:.6em;border-radius:50%;background:var(--c);flex:none;align-self:center}' +
    'a{color:inherit;font-weight:600;text-underline-offset:2px}a:focus-visible{outline:2px solid var(--c);outline-offset:2px}' +
    '.s,.m{color:var(--mu)}';

  var host = document.createElement('postmortem-status');
  var root = host.attachShadow({ mode: 'open' });
  var wrap = document.createElement('div');
  var theme = attr('theme');
  wrap.className = 'w ' + (theme === 'light' || theme === 'dark' ? theme : 'auto');
  if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet) {
    try { var sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); root.adoptedStyleSheets = [sheet]; } catch (e) { sheet = null; }
  }
  if (!sheet) { var style = document.createElement('style'); style.textContent = CSS; root.appendChild(style); }
  root.appendChild(wrap);
  function mount() {
    var where = null;
    try { where = attr('target') ? document.querySelector(attr('target')) : null; } catch (e) { /* not a selector */ }
    if (where) where.appendChild(host); else if (!host.parentNode) script.parentNode.insertBefore(host, script.nextSibling);
  }
  mount();
  // A target further down the page than a script that runs at once exists once the page is parsed.
  if (attr('target') && document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  /** A link of the status site itself, else the site's home: nothing read becomes a link elsewhere. */
  function href(u) {
    try { var x = new URL(String(u), site); if (x.href.indexOf(site.href) === 0) return x.href; } catch (e) { /* the home */ }
    return site.href;
  }
  function str(v) { return typeof v === 'string' ? v.slice(0, 300) : ''; }
  function render(data) {
    var active = [];
    (Array.isArray(data.incidents) ? data.incidents : []).forEach(function (i) { if (i && i.status !== 'resolved' && i.status !== 'postmortem') active.push(i); });
    (Array.isArray(data.scheduled_maintenances) ? data.scheduled_maintenances : []).forEach(function (m) {
      if (m && (m.status === 'in_progress' || m.status === 'verifying')) active.push(m);
    });
    active.sort(function (a, b) { return (RANK[a.impact] === undefined ? 3 : RANK[a.impact]) - (RANK[b.impact] === undefined ? 3 : RANK[b.impact]); });
    var status = data.status || {};
    wrap.textContent = '';
    if (!active.length && attr('always') !== 'true') return;
    var top = active[0];
    var tone = top ? (top.impact === 'maintenance' ? 'maintenance' : top.impact === 'critical' ? 'critical' : top.impact === 'major' ? 'major' : 'minor') : 'ok';
    var b = el('div', 'b ' + tone);
    b.setAttribute('role', 'status');
    b.appendChild(el('span', 'd'));
    if (top) {
      b.appendChild(el('span', '', (str(status.description) || 'Incident') + ':'));
      var a = el('a', '', str(top.name));
      a.href = href(top.shortlink);
      b.appendChild(a);
      if (WORDS[top.status]) b.appendChild(el('span', 's', WORDS[top.status]));
      if (active.length > 1) b.appendChild(el('span', 'm', '+' + (active.length - 1) + ' more'));
    } else {
      var ok = el('a', '', str(status.description) || 'All Systems Operational');
      ok.href = site.href;
      b.appendChild(ok);
    }
    b.querySelectorAll('a').forEach(function (x) { x.target = '_blank'; x.rel = 'noopener'; });
    for (var c = b.children.length - 1; c > 1; c--) b.insertBefore(document.createTextNode(' '), b.children[c]);
    wrap.appendChild(b);
  }
  function load() {
    if (document.hidden) return;
    fetch(new URL('api/v2/summary.json', site).href, { credentials: 'omit', cache: 'no-cache' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d && typeof d === 'object') render(d); })
      .catch(function () { /* unreachable: show nothing new */ });
  }
  load();
  var every = Number(attr('refresh') === null ? 300 : attr('refresh'));
  if (every > 0) setInterval(load, Math.max(every, 30) * 1000);
})();

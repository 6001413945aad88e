// The search page: Pagefind's index (a small primary bundle, then every shard listed in shards.json, merged)
// queried as the reader types, with filters by service, severity and year. Links are made from the page's own
// address, so the site works under any sub-path. Excerpts are rebuilt from text nodes: only <mark> is kept.
const box = document.getElementById('search');
const noJs = document.getElementById('search-nojs');
const PAGE = 20;
// The words, in the site's language, from the page (data-words: the catalogue's search.js_* strings).
const WORDS = (() => {
  try {
    return JSON.parse((box && box.dataset.words) || '{}');
  } catch {
    return {};
  }
})();
const SEVERITY = WORDS.severity || {};
/** A catalogue string with its {name} placeholders filled; plural ones choose their form by count. */
function words(key, params = {}) {
  let m = WORDS[key];
  if (m && typeof m === 'object') {
    let category = 'other';
    try {
      category = new Intl.PluralRules(WORDS.intl || document.documentElement.lang).select(params.count);
    } catch {}
    m = m[category] || m.other;
  }
  if (typeof m !== 'string') return '';
  return m.replace(/\{([a-zA-Z_]+)\}/g, (whole, name) => (params[name] === undefined ? whole : typeof params[name] === 'number' ? params[name].toLocaleString(WORDS.intl) : String(params[name])));
}

if (box) {
  box.hidden = false;
  if (noJs) noJs.hidden = true;
  start().catch((e) => say(words('failed', { error: e && e.message ? e.message : e })));
}

function say(text) {
  document.getElementById('search-status').textContent = text;
}

/** Pagefind's excerpt (escaped text with <mark>) as DOM nodes, nothing else kept. */
function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, 'text/html');
  const out = document.createElement('p');
  out.className = 'excerpt';
  for (const node of doc.body.firstChild ? doc.body.firstChild.childNodes : []) {
    if (node.nodeType === Node.TEXT_NODE) out.append(node.textContent);
    else if (node.nodeName === 'MARK') {
      const m = document.createElement('mark');
      m.textContent = node.textContent;
      out.append(m);
    } else out.append(node.textContent || '');
  }
  return out;
}

function resultItem(data) {
  const li = document.createElement('li');
  const a = document.createElement('a');
  a.href = data.url;
  a.className = 'result-title';
  a.textContent = data.meta.title || data.url;
  const meta = document.createElement('p');
  meta.className = 'meta';
  meta.textContent = [data.meta.date, SEVERITY[data.meta.severity] || data.meta.severity].filter(Boolean).join(' · ');
  li.append(a, meta, excerptNodes(data.excerpt || ''));
  return li;
}

async function start() {
  const bundle = new URL(box.dataset.pagefind, location.href);
  const root = new URL(box.dataset.root || './', location.href);
  const form = box.querySelector('form');
  const input = document.getElementById('search-q');
  const selects = { service: document.getElementById('search-service'), severity: document.getElementById('search-severity'), year: document.getElementById('search-year') };
  const list = document.getElementById('search-results');
  const params = new URLSearchParams(location.search);
  input.value = params.get('q') || '';
  for (const [name, el] of Object.entries(selects)) el.value = params.get(name) || '';

  say(words('loading'));
  const pagefind = await import(new URL('pagefind.js', bundle).href);
  await pagefind.options({ baseUrl: root.pathname, excerptLength: 24 });
  const response = await fetch(new URL('shards.json', bundle));
  if (!response.ok) throw new Error(`no index (${response.status})`);
  const { shards } = await response.json();
  for (const shard of shards) await pagefind.mergeIndex(new URL(shard.path, bundle).pathname);
  await pagefind.init();

  let seq = 0;
  let results = [];
  let shown = 0;
  const more = document.createElement('button');
  more.type = 'button';
  more.className = 'search-more';
  more.textContent = words('more');

  async function showMore(focusFirst) {
    const mine = seq;
    const slice = results.slice(shown, shown + PAGE);
    const data = await Promise.all(slice.map((r) => r.data()));
    if (mine !== seq) return;
    const items = data.map(resultItem);
    list.append(...items);
    shown += slice.length;
    more.remove();
    if (shown < results.length) list.after(more);
    if (focusFirst && items[0]) items[0].querySelector('a').focus();
  }

  async function run() {
    const mine = ++seq;
    const term = input.value.trim();
    const filters = { kind: 'incident' };
    for (const [name, el] of Object.entries(selects)) if (el.value) filters[name] = el.value;
    const next = new URLSearchParams();
    if (term) next.set('q', term);
    for (const [name, el] of Object.entries(selects)) if (el.value) next.set(name, el.value);
    history.replaceState(null, '', `${location.pathname}${next.size ? `?${next}` : ''}`);
    if (!term && Object.keys(filters).length === 1) {
      list.replaceChildren();
      more.remove();
      say(words('prompt'));
      return;
    }
    const found = await pagefind.search(term || null, { filters });
    if (mine !== seq || !found) return;
    results = found.results;
    shown = 0;
    list.replaceChildren();
    more.remove();
    const n = results.length;
    say(n === 0 ? words('none') : term ? words('matchesTerm', { count: n, term }) : words('matches', { count: n }));
    await showMore(false);
  }

  let timer = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 200);
  });
  for (const el of Object.values(selects)) el.addEventListener('change', run);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    run();
  });
  more.addEventListener('click', () => showMore(true));
  await run();
}

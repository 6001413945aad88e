/**
 * The site in the reader's language (issue 17, item 4): the package's catalogues, formatting through Intl, a
 * project's own strings files and their diagnostics, and a pseudo-locale build of three sites that finds no word
 * of the pages left out of the catalogue.
 */
import assert from 'node:assert/strict';
import { readFile, readdir, rm, writeFile, mkdir, mkdtemp, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRenderer } from '../src/render/index.js';
import { makeIncident, makeModel } from './helpers/factory.js';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { builtinCatalogues, englishMessages, META_KEYS, PLURAL_CATEGORIES, placeholdersOf, missingKeys, type Messages } from '../src/core/strings.js';
import { localeFor, Locale } from '../src/core/locale.js';
import { formatDuration } from '../src/core/format.js';
import { loadConfig } from '../src/validate/index.js';
import { checkJson, REPO_ROOT, runCli, tempProject } from './helpers/cli.js';
import { materializeFixture } from './helpers/browser.js';

const NBSP = '\u00a0';
const en = (s: string) => s.replace(/ /g, NBSP);
const locale = (language: string, timeZone = 'UTC', clock: '24h' | '12h' = '24h', strings?: Record<string, Messages>) => new Locale({ language, timeZone, clock, ...(strings ? { strings } : {}) });

describe('the package\'s catalogues', () => {
  const english = englishMessages();
  const languages = [...builtinCatalogues().keys()];

  test('English plus German, French, Spanish and Japanese', () => {
    assert.deepEqual(languages.sort(), ['de', 'en', 'es', 'fr', 'ja']);
  });

  for (const [lang, messages] of builtinCatalogues()) {
    test(`${lang}: every English key, no other, placeholders of English only, plural forms of its language`, () => {
      const missing = Object.keys(english).filter((k) => !(META_KEYS as readonly string[]).includes(k) && !Object.hasOwn(messages, k));
      assert.deepEqual(missing, [], `${lang} has no text for these strings (add them to locales/${lang}.json)`);
      assert.deepEqual(Object.keys(messages).filter((k) => !Object.hasOwn(english, k) && !(META_KEYS as readonly string[]).includes(k)), [], `${lang} has keys English does not`);
      const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      for (const [key, message] of Object.entries(messages)) {
        const allowed = placeholdersOf(english[key] ?? '');
        for (const p of placeholdersOf(message)) assert.ok(allowed.has(p), `${lang} ${key}: {${p}} is not a placeholder of the English string`);
        if (typeof message === 'object') {
          for (const c of Object.keys(message)) assert.ok((PLURAL_CATEGORIES as readonly string[]).includes(c), `${lang} ${key}: ${c}`);
          for (const c of needed) assert.ok(c === 'other' || Object.hasOwn(message, c), `${lang} ${key}: no "${c}" form, which ${lang} uses`);
          assert.equal(typeof message.other, 'string', `${lang} ${key}: no "other"`);
        }
        if (typeof english[key] === 'object') assert.equal(typeof message, 'object', `${lang} ${key}: English has plural forms; so must its translation`);
      }
      assert.deepEqual(missingKeys(lang), [], 'check would warn');
    });
  }

  test('every key a template or the code asks for exists in English, and every English key is asked for', async () => {
    const sources: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (/\.(eta|ts)$/.test(e.name)) sources.push(await readFile(p, 'utf8'));
      }
    };
    await walk(path.join(REPO_ROOT, 'templates'));
    await walk(path.join(REPO_ROOT, 'src'));
    const text = sources.join('\n');
    const asked = new Set([...text.matchAll(/\bth?\(\s*'([a-z_]+\.[a-z_.]+)'/g)].map((m) => m[1]!));
    for (const m of text.matchAll(/\bth?\(\s*[^)]*?\?\s*'([a-z_]+\.[a-z_.]+)'\s*:\s*'([a-z_]+\.[a-z_.]+)'/g)) asked.add(m[1]!).add(m[2]!);
    for (const m of text.matchAll(/'([a-z_]+\.[a-z_]+)'\s*:\s*'([a-z_]+\.[a-z_]+)'/g)) asked.add(m[1]!).add(m[2]!);
    const unknown = [...asked].filter((k) => !Object.hasOwn(english, k));
    assert.deepEqual(unknown, [], 'keys asked for that English does not have');
    // Keys built from a value (`label.${status}`) are asked for by prefix.
    const dynamic = ['label.', 'severity.', 'priority.', 'kind.', 'banner.', 'impact.', 'badge.', 'duration.', 'meta.', 'detection.', 'link.'];
    const unused = Object.keys(english).filter((k) => !asked.has(k) && !dynamic.some((p) => k.startsWith(p)) && !text.includes(`'${k}'`));
    assert.deepEqual(unused, [], 'English strings nothing shows');
  });
});

describe('formatting through Intl and the catalogue', () => {
  test('durations keep their minutes from one day up, and a number never wraps away from its unit', () => {
    const l = locale('en');
    const min = 60_000;
    assert.equal(l.duration((24 * 60 + 11) * min), en('1 d') + ' ' + en('11 min'), "GitHub's 24 h 11 min");
    assert.equal(l.duration((6 * 60 + 52) * min), `${en('6 h')} ${en('52 min')}`);
    assert.equal(l.duration((2 * 24 * 60 + 3 * 60 + 5) * min), `${en('2 d')} ${en('3 h')} ${en('5 min')}`);
    assert.equal(l.duration(3 * 60 * min), en('3 h'));
    assert.equal(l.duration(45_000), en('45 s'));
    assert.equal(l.duration(0), en('0 min'));
    assert.equal(formatDuration((24 * 60 + 11) * min), '1 d 11 min', 'the terminal gets plain spaces');
    // Every minute is there: the parts add up to the duration cut to the minute.
    for (let i = 0; i < 500; i++) {
      const ms = Math.floor(Math.abs(Math.sin(i + 1)) * 40 * 86_400_000);
      const total = [...l.duration(ms).matchAll(/(\d+)\u00a0(d|h|min|s)/g)].reduce((sum, m) => sum + Number(m[1]) * ({ d: 1440, h: 60, min: 1, s: 0 } as const)[m[2] as 'd'], 0);
      if (ms >= min) assert.equal(total, Math.floor(ms / min), `${ms}: ${l.duration(ms)}`);
    }
    assert.equal(locale('de').duration((24 * 60 + 11) * min), `1${NBSP}Tg. 11${NBSP}Min.`);
    assert.equal(locale('ja').duration((24 * 60 + 11) * min), '1日 11分');
  });

  test('dates, times and zones in the language, display zone and clock; calendar dates never shift', () => {
    const t = Date.UTC(2020, 4, 29, 16, 21);
    assert.equal(locale('en').dateTime(t), '29 May 2020, 16:21 UTC');
    assert.equal(locale('en', 'Europe/Berlin').dateTime(t), '29 May 2020, 18:21 CEST');
    assert.equal(locale('en-US', 'America/New_York', '12h').dateTime(t), 'May 29, 2020, 12:21 PM EDT');
    assert.equal(locale('de', 'Europe/Berlin').dateTime(t), '29. Mai 2020, 18:21 MESZ');
    assert.equal(locale('fr', 'Europe/Paris').dateTime(t), '29 mai 2020, 18:21 UTC+2');
    assert.equal(locale('es', 'Europe/Madrid').month('2020-05'), 'mayo de 2020');
    assert.equal(locale('ja', 'Asia/Tokyo').dateTime(t), '2020年5月30日 01:21 JST');
    // An instant's day follows the display zone; a calendar date (a due date) is that day everywhere.
    assert.equal(locale('en', 'Asia/Tokyo').date(t), '30 May 2020');
    assert.equal(locale('en', 'Pacific/Honolulu').date('2020-05-29'), '29 May 2020');
    assert.equal(locale('en', 'Europe/Berlin').zoneName(), 'Central European Time (Europe/Berlin)');
    assert.equal(locale('en').zoneName(), 'UTC');
  });

  test('numbers and percentages: Intl, two decimals, never rounded up to 100', () => {
    assert.equal(locale('en').percent(99.999), '99.99%');
    assert.equal(locale('de').percent(99.95), `99,95${NBSP}%`);
    assert.equal(locale('en').percent(100), '100.00%');
    assert.equal(locale('de').number(1234), '1.234');
    assert.equal(locale('en').list(['a', 'b', 'c']), 'a, b and c');
    assert.equal(locale('en').list(['a', 'b', 'c'], 'unit'), 'a, b, c');
  });

  test('plural forms by Intl.PluralRules: French 0 and 1 are one, Japanese has one form', () => {
    assert.equal(locale('en').t('tag.count', { count: 1 }), '1 incident');
    assert.equal(locale('en').t('tag.count', { count: 0 }), '0 incidents');
    assert.equal(locale('fr').t('tag.count', { count: 0 }), '0 incident');
    assert.equal(locale('fr').t('tag.count', { count: 2 }), '2 incidents');
    assert.equal(locale('ja').t('tag.count', { count: 1 }), 'インシデント 1 件');
    assert.throws(() => locale('en').t('tag.count'), /plural forms: give it a number as \{count\}/);
  });

  test('a key no catalogue has throws, naming the closest; th escapes all but HTML', () => {
    assert.throws(() => locale('de').t('nav.stauts'), /no string "nav\.stauts".*did you mean "nav\.status"/);
    const l = locale('en');
    assert.equal(String(l.th('incident.authors', { authors: '<b>x</b>' })), 'Written by &lt;b&gt;x&lt;/b&gt;');
    assert.equal(String(l.th('footer.updated', { time: l.th('nav.status') })), 'Updated Status.');
  });

  test('a region falls back to its language, then English, key by key; the project\'s file first at each step', () => {
    const strings = { 'de-AT': { 'nav.history': 'Chronik' }, en: { 'nav.actions': 'Follow-ups' } };
    const at = locale('de-AT', 'Europe/Vienna', '24h', strings);
    assert.equal(at.t('nav.history'), 'Chronik');
    assert.equal(at.t('nav.status'), 'Status');
    assert.equal(at.t('nav.tags'), 'Schlagwörter');
    assert.equal(at.intl, 'de-AT');
    assert.equal(locale('en', 'UTC', '24h', strings).t('nav.actions'), 'Follow-ups');
    assert.equal(locale('en').intl, 'en-GB', 'English dates are written day-month-year');
    assert.equal(locale('de').intl, 'de', "German does not take English's Intl locale");
    assert.deepEqual(missingKeys('it', { it: { 'nav.status': 'Stato' } }).length, Object.keys(englishMessages()).length - META_KEYS.length - 1);
  });

  test('one Locale per settings', () => {
    assert.equal(localeFor({ language: 'de', timeZone: 'UTC', clock: '24h' }), localeFor({ language: 'de', timeZone: 'UTC', clock: '24h' }));
  });
});

const SITE = (extra: string) => `title: Acme\nservices:\n  - { id: api, name: API }\n${extra}`;

describe('site.yaml and a project\'s strings files', () => {
  const rules = (extra: string, locales: { file: string; text: string }[] = []) =>
    loadConfig(SITE(extra), 'site.yaml', locales).diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule} ${d.message}${d.hint ? ` (${d.hint})` : ''}`);

  test('language, content_language, display_timezone and clock, each with a located error', () => {
    assert.deepEqual(loadConfig(SITE('language: DE-at\ndisplay_timezone: Europe/Berlin\nclock: 12h\n')).config && {}, {});
    const c = loadConfig(SITE('language: DE-at\ncontent_language: en\ndisplay_timezone: Europe/Berlin\nclock: 12h\n')).config!;
    assert.deepEqual([c.language, c.contentLanguage, c.displayTimezone, c.clock], ['de-AT', 'en', 'Europe/Berlin', '12h']);
    assert.deepEqual(rules('language: "en_US!"\n'), ['site.yaml:4:11 invalid-format language must be a language tag such as en, de, pt-BR or zh-Hant; found "en_US!"']);
    assert.deepEqual(rules('language: dee\n'), ['site.yaml:4:11 unknown-language no strings for language "dee"; the languages at hand are de, en, es, fr, ja (did you mean "de"?)']);
    assert.deepEqual(rules('display_timezone: Europe/Berlinn\n'), ['site.yaml:4:19 unknown-timezone display_timezone must be an IANA time zone name such as "Europe/Berlin"; found "Europe/Berlinn" (did you mean "Europe/Berlin"?)']);
    assert.match(rules('clock: 24\n')[0]!, /^site\.yaml:4:8 invalid-/);
  });

  test('a strings file: every problem at its line, the file not used when it has an error', () => {
    const file = 'locales/de.yaml';
    const text = ['nav.status: Zustand', 'nav.stauts: Zustand', 'tag.count: { one: "{count} Vorfall", others: "{count} Vorfälle" }', 'uptime.today: "{tody}"', 'status.recent: { one: "x" }', 'nav.history: [a]', ''].join('\n');
    assert.deepEqual(rules('language: de\n', [{ file, text }]), [
      'locales/de.yaml:2:1 unknown-string "nav.stauts" is not a string of the built-in templates; it is kept for templates of your own (did you mean "nav.status"?)',
      'locales/de.yaml:3:38 invalid-enum plural form "others" of "tag.count" must be one of zero, one, two, few, many, other (did you mean "other"?)',
      'locales/de.yaml:4:15 invalid-value "uptime.today" uses {tody}, which the pages never fill in; its placeholders are none',
      'locales/de.yaml:5:16 missing-key the plural forms of "status.recent" need "other", the form used for any count the others do not cover',
      'locales/de.yaml:6:14 invalid-type "nav.history" must be a text, or plural forms such as {one: "…", other: "…"}; found a list',
    ]);
    assert.equal(loadConfig(SITE('language: de\n'), 'site.yaml', [{ file, text }]).config, null, 'an error stops the build');
    assert.deepEqual(rules('', [{ file: 'locales/de_DE!.yaml', text: 'a: b' }]).map((r) => r.split(' ')[1]), ['invalid-filename']);
    assert.deepEqual(rules('', [{ file: 'locales/de.json', text: '{"nav.status": "A"}' }, { file: 'locales/de.yaml', text: 'nav.status: B' }]).map((r) => r.split(' ')[1]), ['duplicate-id']);
    assert.deepEqual(rules('', [{ file: 'locales/de.yaml', text: 'nav.status: [' }]).map((r) => r.split(' ')[1]), ['yaml-syntax']);
  });

  test('a language of the project\'s own: the strings it lacks are named, and shown in English', () => {
    const it = { file: 'locales/it.yaml', text: 'meta.intl_locale: it-IT\nnav.status: Stato\nnav.history: Cronologia\n' };
    const [warning, ...rest] = rules('language: it\n', [it]);
    assert.deepEqual(rest, []);
    assert.match(warning!, /^site\.yaml:4:11 missing-strings \d+ strings have no text in "it" and are shown in English: layout\.skip, layout\.title, .*, and \d+ more \(add them to locales\/it\.yaml\)$/);
    const config = loadConfig(SITE('language: it\n'), 'site.yaml', [it]).config!;
    const l = localeFor({ language: 'it', timeZone: 'UTC', clock: '24h', strings: config.strings! });
    assert.equal(l.t('nav.history'), 'Cronologia');
    assert.equal(l.t('nav.actions'), 'Actions');
    assert.equal(l.month('2020-05'), 'maggio 2020');
  });
});

describe('incident text keeps its own language', () => {
  test('lang on the incident\'s text where it differs from the page, never on the page\'s own words', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'pm-lang-'));
    try {
      const renderer = await createRenderer({ root });
      const model = makeModel(
        [
          makeIncident({ id: 'en-text', started: '2024-06-10T10:00:00Z', resolved: '2024-06-10T11:00:00Z', contributingFactors: ['A factor.'] }),
          makeIncident({ id: 'de-text', started: '2024-06-11T10:00:00Z', resolved: '2024-06-11T11:00:00Z', language: 'de' }),
        ],
        { now: '2024-06-15T12:00:00Z', config: { language: 'de', contentLanguage: 'en' } },
      );
      const page = String(renderer.file(model, 'incidents/en-text/index.html')!.render());
      assert.match(page, /^<!doctype html>\n<html lang="de" /);
      assert.match(page, /<h1 lang="en">Incident en-text<\/h1>/);
      assert.match(page, /<p class="lead" lang="en">/);
      assert.match(page, /<ul class="factors" lang="en">/);
      assert.match(page, /<dt>Schweregrad<\/dt>/);
      const own = String(renderer.file(model, 'incidents/de-text/index.html')!.render());
      assert.match(own, /<h1>Incident de-text<\/h1>/, 'German text on a German page needs no lang');
      const history = String(renderer.file(model, 'history/index.html')!.render());
      assert.match(history, /<a class="inc-title" href="\.\.\/incidents\/en-text\/" lang="en">/);
      assert.match(history, /<a class="inc-title" href="\.\.\/incidents\/de-text\/">/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('through the CLI', () => {
  test('check reports a strings file\'s problems with file, line and column; build refuses it and writes nothing', async () => {
    const p = await tempProject({
      'site.yaml': SITE('language: de\n'),
      'locales/de.yaml': 'nav.status: Lage\nuptime.today: "{heute}"\n',
      'incidents/2024-01-01-a.md': '---\ntitle: A\nsummary: S\nseverity: minor\nstarted: 2024-01-01T00:00:00Z\nresolved: 2024-01-01T01:00:00Z\nservices: [api]\nroot_cause: x\n---\n',
    }, false);
    try {
      const { report, code } = await checkJson(p.dir);
      assert.equal(code, 1);
      assert.deepEqual(report.diagnostics.map((d) => [d.file, d.line, d.column, d.rule]), [['locales/de.yaml', 2, 15, 'invalid-value']]);
      const build = await runCli(['build', p.dir]);
      assert.equal(build.code, 1);
      assert.match(build.stdout + build.stderr, /locales\/de\.yaml:2:15/);
      await writeFile(path.join(p.dir, 'locales/de.yaml'), 'nav.status: Lage\n');
      const ok = await runCli(['build', p.dir]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      const html = await readFile(path.join(p.dir, 'dist', 'index.html'), 'utf8');
      assert.match(html, /<html lang="de" /);
      assert.match(html, /aria-current="page">Lage<\/a>/, "the project's own word");
      assert.match(html, /Alle Systeme betriebsbereit/, "the package's German elsewhere");
    } finally {
      await p.cleanup();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The pseudo-locale: every string of the catalogue transformed; a page with a word left as it was has text that
// does not come from the catalogue.

const PSEUDO: Record<string, string> = Object.fromEntries(
  [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c, i) => [c, 'àƀçđéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ'[i]!]),
);
function pseudo(text: string): string {
  return `⟦${text.replace(/\{[a-zA-Z_]+\}|[A-Za-z]/g, (m) => (m.length > 1 ? m : PSEUDO[m]!))}⟧`;
}
function pseudoCatalogue(): Record<string, unknown> {
  const out: Record<string, unknown> = { 'meta.name': 'Pseudo', 'meta.intl_locale': 'ja' };
  for (const [k, v] of Object.entries(englishMessages())) {
    if (k.startsWith('meta.')) continue;
    out[k] = typeof v === 'string' ? pseudo(v) : Object.fromEntries(Object.entries(v).map(([c, t]) => [c, pseudo(t)]));
  }
  return out;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const TEXT_ATTRS = ['aria-label', 'title', 'alt', 'data-label', 'placeholder'];
const decode = (s: string) =>
  s.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi, (_m, hex: string, dec: string, name: string) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[name.toLowerCase()]!,
  );

/** The text a reader meets on a page, outside elements whose `lang` is not the page's: content and named attributes. */
function readerText(html: string): string[] {
  const out: string[] = [];
  const page = /<html lang="([^"]+)"/.exec(html)?.[1];
  const stack: { tag: string; other: boolean }[] = [];
  const inOther = () => stack.some((e) => e.other);
  let skip: string | null = null;
  for (const m of html.matchAll(/<!--[\s\S]*?-->|<!doctype[^>]*>|<\/([a-zA-Z0-9-]+)\s*>|<([a-zA-Z0-9-]+)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>|([^<]+)/gi)) {
    const [, close, open, attrs, text] = m;
    if (skip) {
      if (close?.toLowerCase() === skip) skip = null;
      continue;
    }
    if (text !== undefined) {
      if (!inOther()) out.push(decode(text));
    } else if (open !== undefined) {
      const tag = open.toLowerCase();
      const lang = /\slang="([^"]*)"/.exec(attrs ?? '')?.[1];
      const other = lang !== undefined && lang !== page && tag !== 'html';
      if (!inOther() && !other) for (const a of TEXT_ATTRS) for (const v of (attrs ?? '').matchAll(new RegExp(`\\s${a}="([^"]*)"`, 'g'))) out.push(decode(v[1]!));
      if (tag === 'meta' && /name="description"/.test(attrs ?? '')) out.push(decode(/content="([^"]*)"/.exec(attrs!)![1]!));
      if (tag === 'script' || tag === 'style') skip = tag;
      else if (!VOID.has(tag)) stack.push({ tag, other });
    } else if (close !== undefined) {
      const i = stack.map((e) => e.tag).lastIndexOf(close.toLowerCase());
      if (i >= 0) stack.length = i;
    }
  }
  return out;
}

describe('a pseudo-locale: every page of four sites (an internal one among them) has no word that is not from the catalogue', () => {
  const sites: { name: string; dir: string }[] = [];
  before(async () => {
    for (const name of ['example', 'ongoing', 'hostile', 'internal']) {
      let dir: string;
      if (name === 'example') {
        const p = await tempProject({}, false);
        dir = p.dir;
        await cp(path.join(REPO_ROOT, 'incidents'), path.join(dir, 'incidents'), { recursive: true });
        await writeFile(path.join(dir, 'site.yaml'), await readFile(path.join(REPO_ROOT, 'site.yaml'), 'utf8'));
      } else dir = await materializeFixture(name);
      await writeFile(path.join(dir, 'site.yaml'), `${await readFile(path.join(dir, 'site.yaml'), 'utf8')}\nlanguage: qps-ploc\ncontent_language: en\n`);
      await mkdir(path.join(dir, 'locales'), { recursive: true });
      await writeFile(path.join(dir, 'locales', 'qps-ploc.json'), JSON.stringify(pseudoCatalogue(), null, 2));
      sites.push({ name, dir });
    }
  });
  after(async () => {
    for (const s of sites) await rm(s.dir, { recursive: true, force: true });
  });

  test('check: the pseudo-locale has every string (no missing-strings warning)', async () => {
    for (const s of sites) {
      const { report } = await checkJson(s.dir, ['--drafts']);
      assert.deepEqual(report.diagnostics.filter((d) => d.file === 'site.yaml' || d.file.startsWith('locales/')), [], s.name);
    }
  });

  test('every page, feed.json and badge: only pseudo-words, numbers, and the project\'s own text', async () => {
    const epoch = { env: { SOURCE_DATE_EPOCH: '1795262400' } };
    for (const s of sites) {
      const out = path.join(s.dir, 'dist');
      // The `internal` fixture as its internal site: the marks, the banner and the responders' section too.
      const r = await runCli(['build', s.dir, '--out', out, '--drafts', ...(s.name === 'internal' ? ['--audience', 'internal'] : [])], epoch);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      // The project's own text: site.yaml's and the incidents' (from the feed and our APIs, which have every field).
      const own = new Set<string>();
      const feedHead = JSON.parse(await readFile(path.join(out, 'feed.json'), 'utf8')) as { title: string; description?: string };
      own.add(feedHead.title);
      if (feedHead.description) own.add(feedHead.description);
      const api = JSON.parse(await readFile(path.join(out, 'api', 'incidents.json'), 'utf8')) as { incidents: Record<string, unknown>[] };
      const services = JSON.parse(await readFile(path.join(out, 'api', 'services.json'), 'utf8')) as { services: { name: string; description: string | null; group: string | null }[] };
      for (const svc of services.services) for (const v of [svc.name, svc.description, svc.group]) if (v) own.add(v);
      for (const inc of api.incidents) {
        for (const key of ['title', 'summary', 'id']) own.add(String(inc[key]));
        for (const t of inc.tags as string[]) own.add(t);
        for (const a of inc.authors as string[]) own.add(a);
        for (const a of inc.actions as { title: string; owner: string | null }[]) {
          own.add(a.title);
          if (a.owner) own.add(a.owner);
        }
        for (const r of (inc.responders ?? []) as { name: string; role: string | null }[]) for (const v of [r.name, r.role]) if (v) own.add(v);
      }
      const ownList = [...own].filter((t) => t.length > 0).sort((a, b) => b.length - a.length);
      const leftOver = (text: string): string[] => {
        let t = text.replace(/\s+/g, ' ');
        for (const o of ownList) t = t.split(o.replace(/\s+/g, ' ')).join(' ');
        // What Intl writes for the pseudo-locale (Japanese dates) keeps the zone's abbreviation.
        return [...t.matchAll(/[A-Za-z]{2,}/g)].map((m) => m[0]).filter((w) => w !== 'UTC');
      };
      const problems: string[] = [];
      let pages = 0;
      for (const f of await listHtml(out)) {
        pages++;
        const words = readerText(await readFile(path.join(out, f), 'utf8')).flatMap(leftOver);
        if (words.length) problems.push(`${s.name}:${f}: ${[...new Set(words)].slice(0, 12).join(' ')}`);
      }
      const feed = JSON.parse(await readFile(path.join(out, 'feed.json'), 'utf8')) as { items: { content_html: string }[] };
      for (const item of feed.items) {
        const facts = /<ul>([\s\S]*?)<\/ul>/.exec(item.content_html)?.[1] ?? '';
        const words = leftOver(decode(facts.replace(/<[^>]+>/g, ' ')));
        if (words.length) problems.push(`${s.name}:feed.json: ${words.join(' ')}`);
      }
      for (const b of await readdir(path.join(out, 'badges'))) {
        const svg = await readFile(path.join(out, 'badges', b), 'utf8');
        const words = leftOver(decode(/<title>([^<]*)<\/title>/.exec(svg)![1]!));
        if (words.length) problems.push(`${s.name}:badges/${b}: ${words.join(' ')}`);
      }
      assert.ok(pages >= 5, `${s.name}: ${pages} pages`);
      assert.deepEqual(problems, [], 'text that is not from the catalogue');
    }
  });
});

async function listHtml(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listHtml(dir, r)));
    else if (e.name.endsWith('.html')) out.push(r);
  }
  return out.sort();
}

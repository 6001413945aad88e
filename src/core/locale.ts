/**
 * A reader's locale: the site's language (its string catalogue, `Intl` for dates, numbers, lists and plural
 * rules), the time zone human times are shown in and the clock (24- or 12-hour). Machine-readable times (ISO 8601
 * in `datetime` attributes, feeds' timestamps, the APIs) stay UTC and never go through here.
 *
 * Pure and deterministic: the output depends on the settings and on Node's ICU data alone (whose versions are
 * part of the build cache's tool identity), never on the machine's locale or zone.
 */
import { builtinCatalogues, catalogueChain, DEFAULT_LANGUAGE, englishMessages, type Message, type Messages, type PluralCategory } from './strings.js';
import { durationParts, type DurationUnit } from './format.js';
import { closest } from './suggest.js';
import { escapeHtml } from './text.js';
import { dateIn, monthIn } from './calendar.js';
import { displayZone, type SiteConfig } from './model.js';

export type Clock = '24h' | '12h';

export interface LocaleSettings {
  /** BCP 47 tag (canonical): `en`, `de`, `pt-BR`. */
  language: string;
  /** IANA zone of human times. */
  timeZone: string;
  clock: Clock;
  /** The project's own messages by language tag (locales/ of the project), over the package's. */
  strings?: Readonly<Record<string, Messages>>;
}

/** Text known to be HTML (a String object, so that `<%~ %>`, concatenation and string methods keep working). */
export class Html extends String {}

/** Mark trusted HTML. */
export function html(value: string): Html {
  return new Html(value);
}

/** Parameters of a message: numbers are formatted for the language, other values shown as they are. */
export type Params = Readonly<Record<string, string | number | Html | null | undefined>>;

const NBSP = '\u00a0';
const DURATION_KEY: Record<DurationUnit, string> = { day: 'duration.days', hour: 'duration.hours', minute: 'duration.minutes', second: 'duration.seconds' };

export class Locale {
  /** The locale given to `Intl` (the catalogue's `meta.intl_locale`, else the language itself). */
  readonly intl: string;
  readonly hourCycle: 'h23' | 'h12';
  private readonly chain: Messages[];
  private readonly plurals: Intl.PluralRules;
  private readonly numbers: Intl.NumberFormat;
  private readonly percents: Intl.NumberFormat;
  private readonly formats = new Map<string, Intl.DateTimeFormat>();
  private readonly lists = new Map<string, Intl.ListFormat>();

  constructor(readonly settings: LocaleSettings) {
    this.chain = catalogueChain(settings.language, settings.strings);
    // `meta.intl_locale` of the language's own catalogue (the project's, else the package's) and of no other: English's
    // en-GB is not German's, nor that of a site that asked for en-US.
    const own = [settings.strings?.[settings.language], builtinCatalogues().get(settings.language)];
    const wanted = own.find((m) => m && Object.hasOwn(m, 'meta.intl_locale'))?.['meta.intl_locale'];
    this.intl = Intl.NumberFormat.supportedLocalesOf(typeof wanted === 'string' && wanted ? wanted : settings.language)[0] ?? 'en-GB';
    this.hourCycle = settings.clock === '12h' ? 'h12' : 'h23';
    this.plurals = new Intl.PluralRules(this.intl);
    this.numbers = new Intl.NumberFormat(this.intl);
    this.percents = new Intl.NumberFormat(this.intl, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  get language(): string {
    return this.settings.language;
  }

  get timeZone(): string {
    return this.settings.timeZone;
  }

  /** The message of a key, along the language's chain (English last), or undefined. */
  lookup(key: string): Message | undefined {
    for (const messages of this.chain) if (Object.hasOwn(messages, key)) return messages[key];
    return undefined;
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  /**
   * The text of a key with its parameters filled in: plain text (escape it where it goes). Plural messages
   * choose their form by `params.count`. A key no catalogue has is a template's mistake: it throws, naming the
   * closest key.
   */
  t(key: string, params: Params = {}): string {
    return this.fill(this.message(key, params), params, (v) => this.show(v));
  }

  /** The same as HTML: the message is escaped, so are parameters, but `Html` ones (helpers' output) go in as they are. */
  th(key: string, params: Params = {}): Html {
    return html(this.fill(escapeHtml(this.message(key, params)), params, (v) => (v instanceof Html ? String(v) : escapeHtml(this.show(v)))));
  }

  private message(key: string, params: Params): string {
    const m = this.lookup(key);
    if (m === undefined) {
      const near = closest(key, Object.keys(englishMessages()));
      throw new Error(`no string "${key}" in the catalogue of ${this.language} or English${near ? `; did you mean "${near}"?` : ''}`);
    }
    if (typeof m === 'string') return m;
    const count = params.count;
    if (typeof count !== 'number') throw new Error(`the string "${key}" has plural forms: give it a number as {count}`);
    const category = this.plurals.select(count) as PluralCategory;
    return m[category] ?? m.other;
  }

  private fill(text: string, params: Params, show: (v: string | number | Html) => string): string {
    return text.replace(/\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g, (whole, name: string) => {
      const v = params[name];
      return v === undefined || v === null ? whole : show(v);
    });
  }

  private show(v: string | number | Html): string {
    return typeof v === 'number' ? this.number(v) : String(v);
  }

  number(n: number): string {
    return this.numbers.format(n);
  }

  /** Uptime: two decimals, cut rather than rounded (99.999 is never shown as 100.00; the cut value is exact to format). */
  percent(p: number): string {
    return this.percents.format(Math.floor(p * 100) / 10_000);
  }

  /** A list in the language's words: `a, b and c`, `a、b、c`; `unit` lists without "and": `a, b, c`. */
  list(items: readonly string[], type: 'conjunction' | 'unit' = 'conjunction'): string {
    return this.listFormat(type).format(items);
  }

  /** The `Intl.ListFormat` of the language (made once: Intl objects are slow to make, quick to use). */
  listFormat(type: 'conjunction' | 'unit'): Intl.ListFormat {
    let f = this.lists.get(type);
    if (!f) this.lists.set(type, (f = new Intl.ListFormat(this.intl, type === 'unit' ? { type, style: 'short' } : { type })));
    return f;
  }

  private format(name: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
    let f = this.formats.get(name);
    if (!f) this.formats.set(name, (f = new Intl.DateTimeFormat(this.intl, options)));
    return f;
  }

  /** `29 May 2020, 18:21 CEST`: date, time and zone, in the display zone. */
  dateTime(ms: number): string {
    const hour = this.hourCycle === 'h23' ? '2-digit' : 'numeric';
    return this.format('dateTime', { day: 'numeric', month: 'short', year: 'numeric', hour, minute: '2-digit', hourCycle: this.hourCycle, timeZone: this.timeZone, timeZoneName: 'short' }).format(ms);
  }

  /** `29 May 2020`: the day of an instant in the display zone, or a calendar date (`YYYY-MM-DD`) as it is. */
  date(x: number | string): string {
    if (typeof x === 'number') return this.format('dateZoned', { day: 'numeric', month: 'short', year: 'numeric', timeZone: this.timeZone }).format(x);
    return this.format('dateCalendar', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${x}T00:00:00Z`));
  }

  /** `YYYY-MM-DD`: the day of an instant in the display zone. */
  dayOf(ms: number): string {
    return dateIn(ms, this.timeZone);
  }

  /** `YYYY-MM`: the month of an instant in the display zone. */
  monthOf(ms: number): string {
    return monthIn(ms, this.timeZone);
  }

  /** `May 2020` from `2020-05`. */
  month(yyyyMm: string): string {
    return this.format('month', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${yyyyMm}-01T00:00:00Z`));
  }

  /**
   * `4 h 17 min`, `1 d 11 min`: the units of `durationParts` in the catalogue's words (Node 20 has no
   * Intl.DurationFormat). A number never wraps away from its unit (no-break spaces inside each part).
   */
  duration(ms: number): string {
    return durationParts(ms)
      .map((p) => this.t(DURATION_KEY[p.unit], { count: p.count }).replace(/ /g, NBSP))
      .join(' ');
  }

  /** The display zone's name for people: `UTC`, `Central European Time (Europe/Berlin)`. */
  zoneName(): string {
    if (this.timeZone === 'UTC' || this.timeZone === 'Etc/UTC') return 'UTC';
    // At a fixed instant (the output never depends on the clock); ICU has no generic names for zones' early history.
    const long = this.format('zoneLong', { timeZone: this.timeZone, timeZoneName: 'longGeneric' })
      .formatToParts(Date.UTC(2020, 0, 1))
      .find((p) => p.type === 'timeZoneName')?.value;
    return long && long !== this.timeZone ? `${long} (${this.timeZone})` : this.timeZone;
  }
}

const cache = new Map<string, Locale>();

/** The locale of some settings, made once. */
export function localeFor(settings: LocaleSettings): Locale {
  const key = JSON.stringify([settings.language, settings.timeZone, settings.clock, settings.strings ?? null]);
  let l = cache.get(key);
  if (!l) {
    if (cache.size > 32) cache.clear();
    cache.set(key, (l = new Locale(settings)));
  }
  return l;
}

/** English in UTC on a 24-hour clock: the site's defaults. */
export function defaultLocale(): Locale {
  return localeFor({ language: DEFAULT_LANGUAGE, timeZone: 'UTC', clock: '24h' });
}

const bySite = new WeakMap<SiteConfig, Locale>();

/** The locale of a site's pages, feeds and badges (once per configuration object). */
export function siteLocale(config: SiteConfig): Locale {
  let l = bySite.get(config);
  if (!l) {
    l = localeFor({ language: config.language ?? DEFAULT_LANGUAGE, timeZone: displayZone(config), clock: config.clock ?? '24h', ...(config.strings ? { strings: config.strings } : {}) });
    bySite.set(config, l);
  }
  return l;
}

/** The language of an incident's text: its own, else the site's content language, else the site's language. */
export function contentLanguageOf(config: SiteConfig, incident: { language?: string }): string {
  return incident.language ?? config.contentLanguage ?? config.language ?? DEFAULT_LANGUAGE;
}

/** site.yaml (config.ts): normalization, defaults, and every rule that applies to it, with positions. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/validate/index.js';
import type { Diagnostic } from '../src/core/index.js';

const SERVICES = 'services:\n  - id: api\n    name: API\n';

function only(text: string): Diagnostic {
  const r = loadConfig(text);
  assert.equal(r.config, null, 'no configuration when there is an error');
  assert.equal(r.diagnostics.length, 1, JSON.stringify(r.diagnostics, null, 1));
  const d = r.diagnostics[0]!;
  assert.equal(d.file, 'site.yaml');
  assert.equal(d.severity, 'error');
  return d;
}

const where = (d: Diagnostic) => [d.rule, d.line, d.column];

describe('loadConfig: valid', () => {
  it('applies the defaults (timezone UTC, 90 days, base path /, English in UTC on a 24-hour clock)', () => {
    const r = loadConfig(`title: Acme Status\n${SERVICES}`);
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.config, {
      title: 'Acme Status',
      basePath: '/',
      timezone: 'UTC',
      uptimeDays: 90,
      services: [{ id: 'api', name: 'API' }],
      language: 'en',
      contentLanguage: 'en',
      displayTimezone: 'UTC',
      clock: '24h',
      strings: {},
    });
  });

  it('keeps every key, and normalizes base_url to end in / with its path as the base path', () => {
    const r = loadConfig(
      [
        'title: Acme Status',
        'description: One line.',
        'base_url: https://acme.github.io/status',
        'timezone: Europe/Paris',
        'uptime_days: 30',
        'services:',
        '  - id: api',
        '    name: API',
        '    group: Core',
        '    description: The API.',
        '    since: 2020-01-01',
        '  - id: website',
        '    name: Website',
        '',
      ].join('\n'),
    );
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.config, {
      title: 'Acme Status',
      description: 'One line.',
      baseUrl: 'https://acme.github.io/status/',
      basePath: '/status/',
      timezone: 'Europe/Paris',
      uptimeDays: 30,
      services: [
        { id: 'api', name: 'API', group: 'Core', description: 'The API.', since: '2020-01-01' },
        { id: 'website', name: 'Website' },
      ],
      language: 'en',
      contentLanguage: 'en',
      displayTimezone: 'UTC',
      clock: '24h',
      strings: {},
    });
  });

  it('tolerates a BOM and CRLF', () => {
    const r = loadConfig(`\uFEFFtitle: T\r\n${SERVICES.replace(/\n/g, '\r\n')}`);
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.config?.services[0]?.id, 'api');
  });
});

describe('loadConfig: rules', () => {
  it('invalid-url: base_url that the URL parser rejects, or with a query', () => {
    const d = only(`title: T\nbase_url: https://acme.example.com/?preview=1\n${SERVICES}`);
    assert.deepEqual(where(d), ['invalid-url', 2, 11]);
    assert.equal(d.message, 'base_url must be an absolute http(s) URL without query or fragment, e.g. https://acme.github.io/status/; found "https://acme.example.com/?preview=1"');
    assert.deepEqual(where(only(`title: T\nbase_url: "https://[oops/"\n${SERVICES}`)), ['invalid-url', 2, 11]);
    assert.deepEqual(where(only(`title: T\nbase_url: https://a.example/#top\n${SERVICES}`)), ['invalid-url', 2, 11]);
  });

  it('invalid-url: base_url whose path a browser would read as another host, or that carries credentials (issue 11)', () => {
    for (const url of ['https://status.example.com//evil.example/', 'https://status.example.com/a//b/', 'https://status.example.com/%2F%2Fevil.example/', 'https://status.example.com/\\\\evil.example/', 'https://status.example.com/%5Cevil/']) {
      const d = only(`title: T\nbase_url: '${url}'\n${SERVICES}`);
      assert.deepEqual(where(d), ['invalid-url', 2, 11], url);
      assert.match(d.message, /path of plain folders/);
    }
    assert.match(only(`title: T\nbase_url: https://user:secret@status.example.com/\n${SERVICES}`).message, /user name or password/);
    assert.equal(loadConfig(`title: T\nbase_url: https://status.example.com/a/b\n${SERVICES}`).config?.basePath, '/a/b/');
  });

  it('invalid-format: base_url that is not http(s) at all', () => {
    const d = only(`title: T\nbase_url: ftp://acme.example.com/\n${SERVICES}`);
    assert.deepEqual(where(d), ['invalid-format', 2, 11]);
    assert.equal(d.message, 'base_url: expected an absolute http(s) URL such as https://example.com/; found "ftp://acme.example.com/"');
  });

  it('unknown-timezone: with a suggestion', () => {
    const d = only(`title: T\ntimezone: America/New_Yrok\n${SERVICES}`);
    assert.deepEqual(where(d), ['unknown-timezone', 2, 11]);
    assert.equal(d.message, 'timezone must be an IANA time zone name such as "Europe/Paris"; found "America/New_Yrok"');
    assert.equal(d.hint, 'did you mean "America/New_York"?');
  });

  it('duplicate-service: the second id', () => {
    const d = only(`title: T\n${SERVICES}  - id: web\n    name: Web\n  - id: api\n    name: API again\n`);
    assert.deepEqual(where(d), ['duplicate-service', 7, 9]);
    assert.equal(d.message, 'service id "api" is already used by services[0]; expected every id once');
  });

  it('invalid-date: since that is not a date, or not a day', () => {
    const notDay = only('title: T\nservices:\n  - id: api\n    name: API\n    since: 2021-02-29\n');
    assert.deepEqual(where(notDay), ['invalid-date', 5, 12]);
    assert.equal(notDay.message, 'services[0].since: "2021-02-29" is not a day of the calendar');
    const notDate = only('title: T\nservices:\n  - id: api\n    name: API\n    since: 2021-2-3\n');
    assert.deepEqual(where(notDate), ['invalid-date', 5, 12]);
    assert.equal(notDate.message, 'services[0].since: expected a date like 2020-06-30; found "2021-2-3"');
  });

  it('missing-key and unknown-key (with "did you mean", also for swapped letters)', () => {
    const r = loadConfig(`titel: T\n${SERVICES}`);
    assert.deepEqual(r.diagnostics.map(where), [
      ['missing-key', 1, 1],
      ['unknown-key', 1, 1],
    ]);
    assert.equal(r.diagnostics[0]!.message, 'missing required key "title"; expected a string');
    assert.equal(r.diagnostics[1]!.message, 'unknown key "titel"; expected one of title, base_url, description, timezone, uptime_days, language, content_language, display_timezone, clock, services, notify, internal');
    assert.equal(r.diagnostics[1]!.hint, 'did you mean "title"?');
    const nested = loadConfig('title: T\nservices:\n  - id: api\n    nmae: API\n');
    assert.deepEqual(nested.diagnostics.map(where), [
      ['missing-key', 3, 5],
      ['unknown-key', 4, 5],
    ]);
    assert.equal(nested.diagnostics[1]!.message, 'unknown key "nmae" in services[0]; expected one of id, name, group, description, since');
    assert.equal(nested.diagnostics[1]!.hint, 'did you mean "name"?');
  });

  it('invalid-value and invalid-type: uptime_days out of range or not whole, services empty', () => {
    const big = only(`title: T\nuptime_days: 400\n${SERVICES}`);
    assert.deepEqual(where(big), ['invalid-value', 2, 14]);
    assert.equal(big.message, 'uptime_days must be at most 365; found 400');
    const zero = only(`title: T\nuptime_days: 0\n${SERVICES}`);
    assert.equal(zero.message, 'uptime_days must be at least 1; found 0');
    const frac = only(`title: T\nuptime_days: 1.5\n${SERVICES}`);
    assert.deepEqual(where(frac), ['invalid-type', 2, 14]);
    assert.equal(frac.message, 'uptime_days must be a whole number; found 1.5');
    const none = only('title: T\nservices: []\n');
    assert.deepEqual(where(none), ['invalid-value', 2, 11]);
    assert.equal(none.message, 'services must list at least 1 item; found 0');
  });

  it('invalid-format: a service id that is not a slug', () => {
    const d = only('title: T\nservices:\n  - id: Core API\n    name: API\n');
    assert.deepEqual(where(d), ['invalid-format', 3, 9]);
    assert.match(d.message, /^services\[0\]\.id: a service id must be a slug .*; found "Core API"$/);
  });

  it('a file that is empty, a list, or broken YAML', () => {
    const empty = only('');
    assert.deepEqual(where(empty), ['invalid-type', 1, 1]);
    assert.equal(empty.message, 'site.yaml must be a mapping of keys (title, services, …); found an empty file');
    assert.deepEqual(where(only('- a\n')), ['invalid-type', 1, 1]);
    assert.equal(only('title: [\n').rule, 'yaml-syntax');
    const dup = only(`title: A\ntitle: B\n${SERVICES}`);
    assert.deepEqual(where(dup), ['duplicate-key', 2, 1]);
    assert.equal(dup.message, 'duplicate key "title": it appears twice in the same mapping; expected each key once');
  });

  it('reports every problem at once', () => {
    const r = loadConfig('title: T\ntimezone: Nowhere/City\nbase_url: https://x.example/?a\nservices:\n  - id: api\n    name: A\n  - id: api\n    name: B\n');
    assert.deepEqual(r.diagnostics.map((d) => d.rule).sort(), ['duplicate-service', 'invalid-url', 'unknown-timezone']);
  });
});

/**
 * Timestamps (time.ts): exact forms, local times in an IANA zone, daylight-saving gaps and overlaps
 * (with both readings and their UTC instants), dates, zones; and how YAML hands them over (quoted or not).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allZoneNames, DATE_PATTERN, humanDate, humanUtc, isoUtc, parseDate, parseTimestamp, TIMESTAMP_PATTERN, zoneFor } from '../src/core/index.js';
import { Rule } from '../src/core/index.js';
import { parseIncidentText } from '../src/parse/index.js';
import { validateDocument } from '../src/validate/index.js';
import type { SiteConfig } from '../src/core/index.js';

const ms = (iso: string) => Date.parse(iso);

function ok(value: string, zone: string): number {
  const r = parseTimestamp(value, zone);
  assert.ok(r.ok, `${value} in ${zone}: ${r.ok ? '' : r.message}`);
  return r.value;
}

function fail(value: string, zone: string) {
  const r = parseTimestamp(value, zone);
  assert.ok(!r.ok, `${value} in ${zone} should not parse`);
  return r;
}

describe('years 0000–0099 (issue 11: Date.UTC reads them as 1900–1999)', () => {
  it('are read exactly, in timestamps and dates, with their own leap years', () => {
    assert.equal(new Date(ok('0024-01-01T10:00:00Z', 'UTC')).toISOString(), '0024-01-01T10:00:00.000Z');
    assert.equal(new Date(ok('0099-12-31 23:59', 'UTC')).toISOString(), '0099-12-31T23:59:00.000Z');
    assert.equal(new Date(ok('0000-02-29T00:00:00+01:00', 'UTC')).toISOString(), '0000-02-28T23:00:00.000Z', '0000 is a leap year (1900 is not)');
    const d = parseDate('0004-02-29');
    assert.ok(d.ok && new Date(d.value.ms).toISOString() === '0004-02-29T00:00:00.000Z');
    assert.ok(!parseDate('0100-02-29').ok, '0100 is not a leap year');
  });

  it('are shown with four digits', () => {
    const t = ok('0024-03-05T06:07:00Z', 'UTC');
    assert.equal(humanUtc(t), '5 Mar 0024, 06:07 UTC');
    assert.equal(humanDate(t), '5 Mar 0024');
    assert.equal(isoUtc(t), '0024-03-05T06:07:00Z');
  });
});

describe('exact timestamps', () => {
  it('Z (upper or lower case) is UTC whatever the zone', () => {
    for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
      assert.equal(ok('2020-05-29T16:21:00Z', zone), ms('2020-05-29T16:21:00Z'));
      assert.equal(ok('2020-05-29T16:21:00z', zone), ms('2020-05-29T16:21:00Z'));
      assert.equal(ok('2020-05-29 16:21Z', zone), ms('2020-05-29T16:21:00Z'));
    }
  });

  it('offsets: ±HH:MM, ±HHMM, ±HH, with minutes, never reinterpreted in the zone', () => {
    assert.equal(ok('2020-05-29T16:21:00-04:00', 'Europe/Paris'), ms('2020-05-29T20:21:00Z'));
    assert.equal(ok('2020-05-29T16:21:00-0400', 'UTC'), ms('2020-05-29T20:21:00Z'));
    assert.equal(ok('2020-05-29T16:21:00-04', 'UTC'), ms('2020-05-29T20:21:00Z'));
    assert.equal(ok('2020-05-29T16:21:00+05:30', 'UTC'), ms('2020-05-29T10:51:00Z'));
    assert.equal(ok('2020-05-29T00:10:00+14:00', 'UTC'), ms('2020-05-28T10:10:00Z'));
    assert.equal(ok('2020-05-29T16:21:00+00:00', 'UTC'), ms('2020-05-29T16:21:00Z'));
    // An offset inside a DST gap of the zone is still exact.
    assert.equal(ok('2021-03-14T02:30:00-05:00', 'America/New_York'), ms('2021-03-14T07:30:00Z'));
  });

  it('fractional seconds, down to the millisecond (further digits are truncated)', () => {
    assert.equal(ok('2020-05-29T16:21:00.5Z', 'UTC'), ms('2020-05-29T16:21:00.500Z'));
    assert.equal(ok('2020-05-29T16:21:07.123Z', 'UTC'), ms('2020-05-29T16:21:07.123Z'));
    assert.equal(ok('2020-05-29T16:21:07.123456789+02:00', 'UTC'), ms('2020-05-29T14:21:07.123Z'));
    assert.equal(ok('2020-05-29 16:21:07.25', 'Europe/Paris'), ms('2020-05-29T14:21:07.250Z'));
    for (let i = 0; i < 1000; i += 37) {
      const f = String(i).padStart(3, '0');
      assert.equal(ok(`2020-01-01T00:00:00.${f}Z`, 'UTC'), Date.UTC(2020, 0, 1, 0, 0, 0, i), f);
    }
  });

  it('rejects what is not a timestamp, with what was expected and found', () => {
    const cases: [string, RegExp][] = [
      ['yesterday', /^expected a timestamp like 2020-05-29T16:21:00Z, .*; found "yesterday"$/],
      ['2020-05-29', /^expected a date and a time; found the date alone "2020-05-29"$/],
      ['2020-02-30T10:00:00Z', /^"2020-02-30T10:00:00Z" is not a day of the calendar$/],
      ['2021-02-29T10:00:00Z', /is not a day of the calendar/],
      ['2020-13-01T10:00:00Z', /is not a day of the calendar/],
      ['2020-05-29T24:00:00Z', /is not a time of day; expected hours 00–23, minutes and seconds 00–59$/],
      ['2020-05-29T23:60:00Z', /is not a time of day/],
      ['2020-05-29T23:59:60Z', /is not a time of day/],
      ['2020-05-29T10:00:00+19:00', /^"\+19:00" is not a UTC offset; expected e\.g\. -04:00 or \+05:30$/],
      ['2020-05-29T10:00:00+05:60', /is not a UTC offset/],
      ['2020-5-29T10:00:00Z', /^expected a timestamp like/],
      ['16:21', /^expected a timestamp like/],
      ['', /^expected a timestamp like/],
    ];
    for (const [value, message] of cases) {
      const r = fail(value, 'UTC');
      assert.equal(r.rule.id, 'invalid-timestamp', value);
      assert.match(r.message, message, value);
    }
    assert.equal(ok('2020-02-29T10:00:00Z', 'UTC'), ms('2020-02-29T10:00:00Z'), 'a leap day exists');
  });
});

describe('local timestamps in a zone', () => {
  it('are read in the zone given: space or T, with or without seconds', () => {
    assert.equal(ok('2020-05-29 16:21', 'UTC'), ms('2020-05-29T16:21:00Z'));
    assert.equal(ok('2020-05-29T16:21', 'UTC'), ms('2020-05-29T16:21:00Z'));
    assert.equal(ok('2020-05-29 16:21:30', 'UTC'), ms('2020-05-29T16:21:30Z'));
    // Skeddly's updates are in EDT (UTC−4) in June.
    assert.equal(ok('2018-06-13 09:15', 'America/New_York'), ms('2018-06-13T13:15:00Z'));
    assert.equal(ok('2018-01-13 09:15', 'America/New_York'), ms('2018-01-13T14:15:00Z'));
    assert.equal(ok('2020-05-29 16:21', 'Europe/Paris'), ms('2020-05-29T14:21:00Z'));
    assert.equal(ok('2020-05-29 16:21', 'Asia/Kolkata'), ms('2020-05-29T10:51:00Z'));
    assert.equal(ok('2020-05-29 16:21', 'Etc/GMT+5'), ms('2020-05-29T21:21:00Z'));
  });

  it('next to a DST change, the times that exist once are fine', () => {
    assert.equal(ok('2021-03-14 01:59:59', 'America/New_York'), ms('2021-03-14T06:59:59Z'));
    assert.equal(ok('2021-03-14 03:00', 'America/New_York'), ms('2021-03-14T07:00:00Z'));
    assert.equal(ok('2021-11-07 00:59', 'America/New_York'), ms('2021-11-07T04:59:00Z'));
    assert.equal(ok('2021-11-07 02:00', 'America/New_York'), ms('2021-11-07T07:00:00Z'));
    // Zones without DST have no gaps.
    assert.equal(ok('2021-03-14 02:30', 'America/Phoenix'), ms('2021-03-14T09:30:00Z'));
    assert.equal(ok('2021-03-14 02:30', 'UTC'), ms('2021-03-14T02:30:00Z'));
  });

  it('timestamp-gap: America/New_York 2021-03-14 02:30 does not exist; both readings named with their UTC instants', () => {
    const r = fail('2021-03-14 02:30', 'America/New_York');
    assert.equal(r.rule.id, 'timestamp-gap');
    assert.equal(
      r.message,
      'local time "2021-03-14 02:30" does not exist in America/New_York: the clocks skip it when daylight-saving time begins; it could mean 2021-03-14T02:30-05:00 (2021-03-14T07:30:00Z) or 2021-03-14T02:30-04:00 (2021-03-14T06:30:00Z)',
    );
    assert.equal(r.hint, 'write the timestamp with an explicit offset or in UTC (with Z)');
    // The first and last minute of the gap.
    assert.equal(fail('2021-03-14 02:00', 'America/New_York').rule.id, 'timestamp-gap');
    assert.equal(fail('2021-03-14T02:59:59', 'America/New_York').rule.id, 'timestamp-gap');
  });

  it('timestamp-ambiguous: America/New_York 2021-11-07 01:30 happens twice; both readings named, earlier first', () => {
    const r = fail('2021-11-07 01:30', 'America/New_York');
    assert.equal(r.rule.id, 'timestamp-ambiguous');
    assert.equal(
      r.message,
      'local time "2021-11-07 01:30" happens twice in America/New_York (the clocks go back when daylight-saving time ends); it could mean 2021-11-07T01:30-04:00 (2021-11-07T05:30:00Z) or 2021-11-07T01:30-05:00 (2021-11-07T06:30:00Z)',
    );
    assert.equal(fail('2021-11-07 01:00', 'America/New_York').rule.id, 'timestamp-ambiguous');
    assert.equal(fail('2021-11-07 01:59:59', 'America/New_York').rule.id, 'timestamp-ambiguous');
  });

  it('Europe/Paris: gap on 2021-03-28 02:30, overlap on 2021-10-31 02:30', () => {
    const gap = fail('2021-03-28 02:30', 'Europe/Paris');
    assert.equal(gap.rule.id, 'timestamp-gap');
    assert.match(gap.message, /^local time "2021-03-28 02:30" does not exist in Europe\/Paris: /);
    assert.match(gap.message, /2021-03-28T02:30\+01:00 \(2021-03-28T01:30:00Z\) or 2021-03-28T02:30\+02:00 \(2021-03-28T00:30:00Z\)$/);
    const overlap = fail('2021-10-31 02:30', 'Europe/Paris');
    assert.equal(overlap.rule.id, 'timestamp-ambiguous');
    assert.match(overlap.message, /^local time "2021-10-31 02:30" happens twice in Europe\/Paris /);
    assert.match(overlap.message, /2021-10-31T02:30\+02:00 \(2021-10-31T00:30:00Z\) or 2021-10-31T02:30\+01:00 \(2021-10-31T01:30:00Z\)$/);
  });

  it('half-hour DST (Australia/Lord_Howe) and readings written with T or several spaces', () => {
    const gap = fail('2021-10-03 02:15', 'Australia/Lord_Howe');
    assert.equal(gap.rule.id, 'timestamp-gap');
    assert.match(gap.message, /2021-10-03T02:15\+10:30 \(2021-10-02T15:45:00Z\) or 2021-10-03T02:15\+11:00 \(2021-10-02T15:15:00Z\)$/);
    const spaced = fail('2021-03-14   02:30', 'America/New_York');
    assert.match(spaced.message, /it could mean 2021-03-14T02:30-05:00 \(2021-03-14T07:30:00Z\) or 2021-03-14T02:30-04:00 /);
    const lower = fail('2021-03-14t02:30', 'America/New_York');
    assert.match(lower.message, /it could mean 2021-03-14T02:30-05:00 /);
  });

  it('an unknown zone is an error for local times only', () => {
    const r = fail('2021-03-14 02:30', 'Mars/Olympus');
    assert.equal(r.rule.id, 'unknown-timezone');
    assert.equal(r.message, 'cannot read local time "2021-03-14 02:30": unknown time zone "Mars/Olympus"');
    assert.equal(ok('2021-03-14T02:30:00Z', 'Mars/Olympus'), ms('2021-03-14T02:30:00Z'));
  });
});

describe('dates and zones', () => {
  it('parseDate: YYYY-MM-DD that is a day of the calendar', () => {
    assert.deepEqual(parseDate('2020-06-30'), { ok: true, value: { date: '2020-06-30', ms: ms('2020-06-30T00:00:00Z') } });
    assert.deepEqual(parseDate('2024-02-29'), { ok: true, value: { date: '2024-02-29', ms: ms('2024-02-29T00:00:00Z') } });
    assert.deepEqual(parseDate('2023-02-29'), { ok: false, rule: Rule.InvalidDate, message: '"2023-02-29" is not a day of the calendar' });
    assert.deepEqual(parseDate('2020-06-30T10:00:00Z'), { ok: false, rule: Rule.InvalidDate, message: 'expected a date like 2020-06-30; found "2020-06-30T10:00:00Z"' });
    assert.deepEqual(parseDate('30/06/2020'), { ok: false, rule: Rule.InvalidDate, message: 'expected a date like 2020-06-30; found "30/06/2020"' });
  });

  it('zoneFor: IANA names and UTC; null for anything else', () => {
    for (const name of ['UTC', 'Etc/UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kathmandu']) assert.ok(zoneFor(name), name);
    for (const name of ['Europe/Pari', 'Paris', 'EDT+', 'Mars/Olympus']) assert.equal(zoneFor(name), null, name);
    assert.ok(allZoneNames().includes('Europe/Paris'));
    assert.ok(allZoneNames().includes('UTC'));
  });

  it('the exported patterns (used by the JSON Schema) accept exactly the forms the parser reads', () => {
    const ts = new RegExp(TIMESTAMP_PATTERN);
    for (const v of ['2020-05-29T16:21:00Z', '2020-05-29 16:21', '2020-05-29T16:21:00.5+05:30', '2020-05-29T16:21-04']) assert.ok(ts.test(v), v);
    for (const v of ['2020-05-29', 'yesterday', '2020-05-29T16']) assert.ok(!ts.test(v), v);
    const date = new RegExp(DATE_PATTERN);
    assert.ok(date.test('2020-06-30'));
    assert.ok(!date.test('2020-06-30T00:00Z'));
  });
});

describe('YAML hands timestamps over as written', () => {
  const config: SiteConfig = { title: 'T', basePath: '/', timezone: 'UTC', uptimeDays: 90, services: [{ id: 'api', name: 'API' }] };
  const file = (started: string, resolved: string, due: string) =>
    `---\ntitle: T\nsummary: S\nseverity: minor\nstarted: ${started}\nresolved: ${resolved}\nroot_cause: R\nservices: [api]\nactions:\n  - title: A\n    status: done\n    due: ${due}\n---\n`;
  const read = (text: string) => validateDocument(parseIncidentText('incidents/a.md', text), { config, now: ms('2025-01-01T00:00:00Z') });

  it('unquoted, single-quoted and double-quoted values read identically', () => {
    const plain = read(file('2020-05-29T16:21:00Z', '2020-05-29 17:01', '2020-06-30'));
    const single = read(file("'2020-05-29T16:21:00Z'", "'2020-05-29 17:01'", "'2020-06-30'"));
    const double = read(file('"2020-05-29T16:21:00Z"', '"2020-05-29 17:01"', '"2020-06-30"'));
    for (const r of [plain, single, double]) {
      assert.deepEqual(r.diagnostics, []);
      assert.equal(r.incident?.started, ms('2020-05-29T16:21:00Z'));
      assert.equal(r.incident?.resolved, ms('2020-05-29T17:01:00Z'));
      assert.equal(r.incident?.actions[0]?.due, '2020-06-30');
    }
  });

  it('fractional seconds and offsets survive unquoted', () => {
    const r = read(file('2020-05-29T16:21:00.250-04:00', '2020-05-29T21:00:00.999Z', '2020-06-30'));
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.incident?.started, ms('2020-05-29T20:21:00.250Z'));
    assert.equal(r.incident?.resolved, ms('2020-05-29T21:00:00.999Z'));
  });
});

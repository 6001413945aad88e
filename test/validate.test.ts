/**
 * One unit test per rule of validate.ts and issues.ts (schema issues → diagnostics): each breaks a valid
 * incident in exactly one way and asserts the rule, severity, line, column and message (what was
 * expected, what was found), and that nothing else is reported.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIncidentText } from '../src/parse/index.js';
import { checkAcrossFiles, checkFileName, idFromPath, LONG_ONGOING_DAYS, validateDocument } from '../src/validate/index.js';
import type { Diagnostic } from '../src/core/index.js';
import type { SiteConfig } from '../src/core/index.js';

const FILE = 'incidents/2024-05-01-api-errors.md';
const NOW = Date.parse('2025-01-01T00:00:00Z');
const DAY = 86_400_000;

const config: SiteConfig = {
  title: 'Acme Status',
  basePath: '/',
  timezone: 'UTC',
  uptimeDays: 90,
  services: [
    { id: 'api', name: 'API' },
    { id: 'website', name: 'Website' },
    { id: 'db', name: 'Database' },
  ],
};

/** A file whose frontmatter is `lines` (line i of the array is line i + 2 of the file). */
function fm(...lines: string[]): string {
  return `---\n${lines.join('\n')}\n---\n\nWhat happened.\n`;
}

/** The valid incident the tests break, as frontmatter lines (line numbers in comments). */
const BASE = [
  'title: API errors', // 2
  'summary: The API returned errors for 20 minutes.', // 3
  'severity: major', // 4
  'started: 2024-05-01T10:00:00Z', // 5
  'detected: 2024-05-01T10:05:00Z', // 6
  'mitigated: 2024-05-01T10:15:00Z', // 7
  'resolved: 2024-05-01T10:20:00Z', // 8
  'services: [api]', // 9
  'root_cause: A bad deploy.', // 10
];

/** BASE with the lines starting with each key replaced (or removed with null), extra lines appended. */
function base(replace: Record<string, string | null> = {}, ...extra: string[]): string {
  const lines: string[] = [];
  for (const line of BASE) {
    const key = line.slice(0, line.indexOf(':'));
    if (key in replace) {
      const r = replace[key];
      if (r !== null && r !== undefined) lines.push(r);
    } else lines.push(line);
  }
  return fm(...lines, ...extra);
}

function validate(text: string, opts: { drafts?: boolean; now?: number; file?: string; config?: SiteConfig } = {}) {
  const doc = parseIncidentText(opts.file ?? FILE, text);
  return validateDocument(doc, { config: opts.config ?? config, now: opts.now ?? NOW, drafts: opts.drafts ?? false });
}

interface Expect {
  rule: string;
  severity?: 'error' | 'warning';
  line: number;
  column: number;
  /** Exact message, or a pattern it must match. */
  message: string | RegExp;
  hint?: string | RegExp;
}

function assertDiagnostic(d: Diagnostic | undefined, e: Expect): void {
  assert.ok(d, `expected a ${e.rule} diagnostic`);
  assert.equal(d.rule, e.rule);
  assert.equal(d.severity, e.severity ?? 'error');
  assert.equal(d.file, FILE);
  assert.deepEqual({ line: d.line, column: d.column }, { line: e.line, column: e.column }, `position of ${e.rule}: ${d.message}`);
  if (typeof e.message === 'string') assert.equal(d.message, e.message);
  else assert.match(d.message, e.message);
  if (e.hint !== undefined) {
    assert.ok(d.hint, `expected a hint on ${e.rule}`);
    if (typeof e.hint === 'string') assert.equal(d.hint, e.hint);
    else assert.match(d.hint, e.hint);
  }
}

/** Validate and expect exactly one diagnostic, the one described. Returns the whole result. */
function expectOnly(text: string, e: Expect, opts: Parameters<typeof validate>[1] = {}) {
  const r = validate(text, opts);
  assert.deepEqual(
    r.diagnostics.map((d) => d.rule),
    [e.rule],
    `expected only ${e.rule}; got ${JSON.stringify(r.diagnostics, null, 1)}`,
  );
  assertDiagnostic(r.diagnostics[0], e);
  if ((e.severity ?? 'error') === 'error') assert.equal(r.incident, null, 'an incident with an error is not returned');
  else assert.ok(r.incident, 'warnings do not stop the incident');
  return r;
}

describe('a valid incident', () => {
  it('has no diagnostic and becomes a typed model in UTC', () => {
    const r = validate(base());
    assert.deepEqual(r.diagnostics, []);
    const i = r.incident;
    assert.ok(i);
    assert.equal(i.id, '2024-05-01-api-errors');
    assert.equal(i.file, FILE);
    assert.equal(i.title, 'API errors');
    assert.equal(i.severity, 'major');
    assert.equal(i.started, Date.parse('2024-05-01T10:00:00Z'));
    assert.equal(i.detected, Date.parse('2024-05-01T10:05:00Z'));
    assert.equal(i.mitigated, Date.parse('2024-05-01T10:15:00Z'));
    assert.equal(i.resolved, Date.parse('2024-05-01T10:20:00Z'));
    assert.deepEqual(i.services, [{ id: 'api', impact: 'partial_outage' }]);
    assert.equal(i.rootCause, 'A bad deploy.');
    assert.equal(i.draft, false);
    assert.equal(i.timezone, 'UTC');
    assert.equal(i.body, '\nWhat happened.\n');
    assert.equal(i.bodyLine, 12);
  });

  it('takes impacts from the severity unless given, and sorts the timeline', () => {
    for (const [severity, impact] of [
      ['critical', 'major_outage'],
      ['major', 'partial_outage'],
      ['minor', 'degraded_performance'],
      ['notice', null],
      ['maintenance', 'under_maintenance'],
    ] as const) {
      const r = validate(base({ severity: `severity: ${severity}`, services: 'services: [api, {id: db, impact: major_outage}]' }));
      assert.deepEqual(r.diagnostics, [], severity);
      assert.deepEqual(r.incident?.services, [
        { id: 'api', impact },
        { id: 'db', impact: 'major_outage' },
      ]);
    }
    const r = validate(
      base(
        {},
        'timeline:',
        '  - at: 2024-05-01T10:10:00Z',
        '    text: second',
        '    status: identified',
        '  - at: 2024-05-01T09:00:00Z',
        '    text: before started (a missed warning)',
      ),
    );
    // Out of order is only a warning; the model is in time order.
    assert.deepEqual(r.diagnostics.map((d) => d.rule), ['timeline-order']);
    assert.deepEqual(
      r.incident?.timeline.map((e) => [new Date(e.at).toISOString(), e.text, e.status]),
      [
        ['2024-05-01T09:00:00.000Z', 'before started (a missed warning)', undefined],
        ['2024-05-01T10:10:00.000Z', 'second', 'identified'],
      ],
    );
  });

  it('keeps actions, tags, authors and contributing factors', () => {
    const r = validate(
      base(
        {},
        'contributing_factors: [No canary]',
        'tags: [deploy, api-gateway]',
        'authors: [Ada]',
        'actions:',
        '  - title: Add a canary',
        '    status: done',
        '    owner: Ada',
        '    due: 2024-06-01',
        '    priority: high',
        '    kind: prevent',
        '    link: https://tracker.example.com/1',
      ),
    );
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.incident?.actions, [
      { title: 'Add a canary', status: 'done', owner: 'Ada', due: '2024-06-01', priority: 'high', kind: 'prevent', link: 'https://tracker.example.com/1' },
    ]);
    assert.deepEqual(r.incident?.tags, ['deploy', 'api-gateway']);
    assert.deepEqual(r.incident?.authors, ['Ada']);
    assert.deepEqual(r.incident?.contributingFactors, ['No canary']);
  });
});

describe('schema rules (issues.ts)', () => {
  it('missing-key: a required key is absent (points at the mapping, names the key)', () => {
    expectOnly(base({ summary: null }), {
      rule: 'missing-key',
      line: 2,
      column: 1,
      message: 'missing required key "summary"; expected a string',
    });
  });

  it('missing-key: a required enum key is absent (not "invalid-enum … an empty value")', () => {
    expectOnly(base({ severity: null }), {
      rule: 'missing-key',
      line: 2,
      column: 1,
      message: 'missing required key "severity"; expected one of critical, major, minor, notice, maintenance',
    });
  });

  it('missing-key: inside a list item, at that item', () => {
    expectOnly(base({}, 'actions:', '  - title: Add a canary', '    owner: Ada'), {
      rule: 'missing-key',
      line: 12,
      column: 5,
      message: 'missing required key "status" in actions[0]; expected one of open, in_progress, done, wont_do',
    });
    expectOnly(base({ services: 'services:\n  - impact: major_outage' }), {
      rule: 'missing-key',
      line: 10,
      column: 5,
      message: 'missing required key "id" in services[0]; expected a string',
    });
  });

  it('invalid-type: a value of the wrong type', () => {
    expectOnly(base({ title: 'title: 42' }), { rule: 'invalid-type', line: 2, column: 8, message: 'title must be a string; found 42' });
    expectOnly(base({}, 'draft: yes'), { rule: 'invalid-type', line: 11, column: 8, message: 'draft must be true or false; found "yes"' });
    expectOnly(base({}, 'timeline: soon'), { rule: 'invalid-type', line: 11, column: 11, message: 'timeline must be a list; found "soon"' });
    expectOnly(base({ title: 'title:' }), { rule: 'invalid-type', line: 2, column: 7, message: 'title must be a string; found an empty value' });
    expectOnly(base({ services: 'services: [42]' }), {
      rule: 'invalid-type',
      line: 9,
      column: 12,
      message: 'services[0] must be a service id or a mapping {id, impact}; found 42',
    });
  });

  it('invalid-type: a frontmatter that is not a mapping', () => {
    const r = validate('---\n- a\n- b\n---\n');
    assert.deepEqual(r.diagnostics.map((d) => [d.rule, d.line, d.column]), [['invalid-type', 2, 1]]);
    assert.match(r.diagnostics[0]!.message, /must be a mapping of keys .*; found a list$/);
    const empty = validate('---\n---\nbody\n');
    assert.deepEqual(empty.diagnostics.map((d) => [d.rule, d.line, d.column]), [['invalid-type', 2, 1]]);
    assert.match(empty.diagnostics[0]!.message, /found nothing$/);
  });

  it('invalid-enum: says what was expected and what was found (the issue\'s example)', () => {
    expectOnly(base({ severity: 'severity: hight' }), {
      rule: 'invalid-enum',
      line: 4,
      column: 11,
      message: 'severity must be one of critical, major, minor, notice, maintenance; found "hight"',
    });
  });

  it('invalid-enum: nested, with a "did you mean" (actions[1].status)', () => {
    const r = expectOnly(
      base({}, 'actions:', '  - title: One', '    status: done', '  - title: Two', '    status: opne'),
      {
        rule: 'invalid-enum',
        line: 15,
        column: 13,
        message: 'actions[1].status must be one of open, in_progress, done, wont_do; found "opne"',
        hint: 'did you mean "open"?',
      },
    );
    assert.equal(r.diagnostics[0]!.endColumn, 17, 'underlines the value');
  });

  it('invalid-enum: a service impact', () => {
    expectOnly(base({ services: 'services:\n  - id: api\n    impact: down' }), {
      rule: 'invalid-enum',
      line: 11,
      column: 13,
      message: 'services[0].impact must be one of major_outage, partial_outage, degraded_performance, under_maintenance, operational; found "down"',
    });
  });

  it('invalid-enum: a timeline status of the other kind (maintenance status on an incident, and back)', () => {
    expectOnly(base({}, 'timeline:', '  - at: 2024-05-01T10:00:00Z', '    text: Work begins', '    status: in_progress'), {
      rule: 'invalid-enum',
      line: 14,
      column: 13,
      message: 'timeline[0].status must be one of investigating, identified, monitoring, resolved, postmortem for a major incident; found "in_progress"',
    });
    expectOnly(
      base({ severity: 'severity: maintenance', root_cause: null }, 'timeline:', '  - at: 2024-05-01T10:00:00Z', '    text: Fixed', '    status: resolved'),
      {
        rule: 'invalid-enum',
        line: 13,
        column: 13,
        message: 'timeline[0].status must be one of scheduled, in_progress, verifying, completed for maintenance; found "resolved"',
      },
    );
  });

  it('unknown-key: a typo is an error with "did you mean", never a silently ongoing incident', () => {
    const r = expectOnly(base({ resolved: 'resloved: 2024-05-01T10:20:00Z' }), {
      rule: 'unknown-key',
      line: 8,
      column: 1,
      message:
        'unknown key "resloved"; expected one of title, summary, severity, started, detected, detection, mitigated, resolved, services, timeline, root_cause, contributing_factors, actions, links, tags, authors, timezone, language, draft, visibility, near_miss, responders',
      hint: 'did you mean "resolved"?',
    }, { now: Date.parse('2024-05-02T00:00:00Z') });
    assert.equal(r.diagnostics[0]!.endColumn, 9, 'underlines the key');
  });

  it('unknown-key: a swapped pair of letters still gets its suggestion (titel → title)', () => {
    const r = validate(base({ title: 'titel: API errors' }));
    const unknown = r.diagnostics.find((d) => d.rule === 'unknown-key');
    assertDiagnostic(unknown, { rule: 'unknown-key', line: 2, column: 1, message: /^unknown key "titel"; expected one of title, /, hint: 'did you mean "title"?' });
    assert.ok(r.diagnostics.some((d) => d.rule === 'missing-key' && /"title"/.test(d.message)));
  });

  it('unknown-key: nested keys are checked against their own mapping', () => {
    expectOnly(base({}, 'actions:', '  - title: Fix it', '    status: open', '    ownr: Ada'), {
      rule: 'unknown-key',
      line: 14,
      column: 5,
      message: 'unknown key "ownr" in actions[0]; expected one of title, status, owner, due, priority, kind, link, closed, internal',
      hint: 'did you mean "owner"?',
    });
    expectOnly(base({ services: 'services:\n  - id: api\n    impakt: major_outage' }), {
      rule: 'unknown-key',
      line: 11,
      column: 5,
      message: 'unknown key "impakt" in services[0]; expected one of id, impact',
      hint: 'did you mean "impact"?',
    });
  });

  it('unknown-key: no hint when nothing is close', () => {
    const r = expectOnly(base({}, 'zzzzzzzz: 1'), { rule: 'unknown-key', line: 11, column: 1, message: /^unknown key "zzzzzzzz"; expected one of / });
    assert.equal(r.diagnostics[0]!.hint, undefined);
  });

  it('invalid-value: empty strings, empty lists, too long', () => {
    expectOnly(base({ title: 'title: ""' }), { rule: 'invalid-value', line: 2, column: 8, message: 'title must not be empty' });
    expectOnly(base({ services: 'services: []' }), { rule: 'invalid-value', line: 9, column: 11, message: 'services must list at least 1 item; found 0' });
    expectOnly(base({ title: `title: ${'x'.repeat(201)}` }), { rule: 'invalid-value', line: 2, column: 8, message: 'title must be at most 200 characters; found 201' });
  });

  it('invalid-timestamp: not a timestamp, a date alone, not a day, not a time, not an offset', () => {
    expectOnly(base({ started: 'started: yesterday' }), {
      rule: 'invalid-timestamp',
      line: 5,
      column: 10,
      message: 'started: expected a timestamp like 2020-05-29T16:21:00Z, 2020-05-29T16:21:00-04:00 or 2020-05-29 16:21 (local time); found "yesterday"',
    });
    expectOnly(base({ started: 'started: 2024-05-01' }), {
      rule: 'invalid-timestamp',
      line: 5,
      column: 10,
      message: 'started: expected a date and a time; found the date alone "2024-05-01"',
      hint: /2024-05-01T00:00:00Z/,
    });
    expectOnly(base({ started: 'started: 2023-02-29T10:00:00Z' }), {
      rule: 'invalid-timestamp',
      line: 5,
      column: 10,
      message: 'started: "2023-02-29T10:00:00Z" is not a day of the calendar',
    });
    expectOnly(base({ detected: 'detected: 2024-05-01T24:05:00Z' }), {
      rule: 'invalid-timestamp',
      line: 6,
      column: 11,
      message: /^detected: "2024-05-01T24:05:00Z" is not a time of day; expected hours 00–23/,
    });
    expectOnly(base({ resolved: 'resolved: 2024-05-01T10:20:00+19:00' }), {
      rule: 'invalid-timestamp',
      line: 8,
      column: 11,
      message: 'resolved: "+19:00" is not a UTC offset; expected e.g. -04:00 or +05:30',
    });
  });

  it('invalid-timestamp: inside the timeline, at the entry\'s `at`', () => {
    expectOnly(base({}, 'timeline:', '  - at: 2024-05-01T10:10:00Z', '    text: ok', '  - at: 10:12', '    text: bad'), {
      rule: 'invalid-timestamp',
      line: 14,
      column: 9,
      message: /^timeline\[1\]\.at: expected a timestamp like .*; found "10:12"$/,
    });
  });

  it('invalid-date: a due date that is not a date, or not a day', () => {
    expectOnly(base({}, 'actions:', '  - title: Fix', '    status: done', '    due: next week'), {
      rule: 'invalid-date',
      line: 14,
      column: 10,
      message: 'actions[0].due: expected a date like 2020-06-30; found "next week"',
    });
    expectOnly(base({}, 'actions:', '  - title: Fix', '    status: done', '    due: 2024-02-30'), {
      rule: 'invalid-date',
      line: 14,
      column: 10,
      message: 'actions[0].due: "2024-02-30" is not a day of the calendar',
    });
  });

  it('invalid-format: slugs and URLs', () => {
    expectOnly(base({}, 'tags: [deploy, Hello World]'), {
      rule: 'invalid-format',
      line: 11,
      column: 16,
      message: 'tags[1]: a tag must be a slug (lowercase letters, digits and single hyphens, e.g. "api-gateway"); found "Hello World"',
    });
    expectOnly(base({}, 'actions:', '  - title: Fix', '    status: done', '    link: ftp://tracker/1'), {
      rule: 'invalid-format',
      line: 14,
      column: 11,
      message: 'actions[0].link: expected an absolute http(s) URL such as https://example.com/; found "ftp://tracker/1"',
    });
    expectOnly(base({ services: 'services: [API]' }), {
      rule: 'invalid-format',
      line: 9,
      column: 12,
      message: /^services\[0\]: a service id must be a slug .*; found "API"$/,
    });
  });

  it('reports every problem of a file in one run, in file order after sorting', () => {
    const r = validate(base({ title: 'title: 42', severity: 'severity: hight', services: 'services: [apii]' }, 'resloved: x'));
    assert.deepEqual(
      r.diagnostics.map((d) => [d.rule, d.line]).sort((a, b) => Number(a[1]) - Number(b[1])),
      [
        ['invalid-type', 2],
        ['invalid-enum', 4],
        ['unknown-service', 9],
        ['unknown-key', 11],
      ],
    );
  });
});

describe('time zones and timestamps in context', () => {
  it('timestamp-gap: a local time skipped by DST names both readings', () => {
    expectOnly(base({ started: 'started: 2021-03-14 02:30', detected: null, mitigated: null, resolved: null, root_cause: null }, 'timezone: America/New_York'), {
      rule: 'timestamp-gap',
      line: 5,
      column: 10,
      message:
        'started: local time "2021-03-14 02:30" does not exist in America/New_York: the clocks skip it when daylight-saving time begins; it could mean 2021-03-14T02:30-05:00 (2021-03-14T07:30:00Z) or 2021-03-14T02:30-04:00 (2021-03-14T06:30:00Z)',
      hint: /explicit offset/,
    }, { now: Date.parse('2021-03-15T00:00:00Z') });
  });

  it('timestamp-ambiguous: a local time repeated by DST names both readings', () => {
    expectOnly(base({ started: 'started: 2021-11-07 01:30', detected: null, mitigated: null, resolved: null, root_cause: null }, 'timezone: America/New_York'), {
      rule: 'timestamp-ambiguous',
      line: 5,
      column: 10,
      message:
        'started: local time "2021-11-07 01:30" happens twice in America/New_York (the clocks go back when daylight-saving time ends); it could mean 2021-11-07T01:30-04:00 (2021-11-07T05:30:00Z) or 2021-11-07T01:30-05:00 (2021-11-07T06:30:00Z)',
    }, { now: Date.parse('2021-11-08T00:00:00Z') });
  });

  it('a local time in the site\'s zone (no zone in the file) is read in the site\'s zone', () => {
    const paris: SiteConfig = { ...config, timezone: 'Europe/Paris' };
    const r = validate(base({ started: 'started: 2021-10-31 02:30', detected: null, mitigated: null, resolved: 'resolved: 2021-10-31T03:00:00Z' }), { config: paris });
    assert.deepEqual(r.diagnostics.map((d) => [d.rule, d.line, d.column]), [['timestamp-ambiguous', 5, 10]]);
    assert.match(r.diagnostics[0]!.message, /in Europe\/Paris .* 2021-10-31T02:30\+02:00 \(2021-10-31T00:30:00Z\) or 2021-10-31T02:30\+01:00 \(2021-10-31T01:30:00Z\)$/);
  });

  it('the file\'s timezone overrides the site\'s for its local times', () => {
    const paris: SiteConfig = { ...config, timezone: 'Europe/Paris' };
    const text = base({ started: 'started: 2024-05-01 12:00', detected: null, mitigated: null, resolved: 'resolved: 2024-05-01 13:30' });
    const inSite = validate(text, { config: paris });
    assert.deepEqual(inSite.diagnostics, []);
    assert.equal(inSite.incident?.started, Date.parse('2024-05-01T10:00:00Z'), 'Paris is UTC+2 in May');
    assert.equal(inSite.incident?.timezone, 'Europe/Paris');
    const inFile = validate(text.replace('root_cause:', 'timezone: Asia/Tokyo\nroot_cause:'), { config: paris });
    assert.deepEqual(inFile.diagnostics, []);
    assert.equal(inFile.incident?.started, Date.parse('2024-05-01T03:00:00Z'), 'Tokyo is UTC+9');
    assert.equal(inFile.incident?.resolved, Date.parse('2024-05-01T04:30:00Z'));
    assert.equal(inFile.incident?.timezone, 'Asia/Tokyo');
    // An explicit offset or Z is never reinterpreted.
    const exact = validate(base({}, 'timezone: Asia/Tokyo'), { config: paris });
    assert.equal(exact.incident?.started, Date.parse('2024-05-01T10:00:00Z'));
  });

  it('unknown-timezone: in the file, with a suggestion, reported once (not again for each local time)', () => {
    expectOnly(base({ started: 'started: 2024-05-01 10:00' }, 'timezone: Europe/Pari'), {
      rule: 'unknown-timezone',
      line: 11,
      column: 11,
      message: 'timezone must be an IANA time zone name such as "Europe/Paris"; found "Europe/Pari"',
      hint: 'did you mean "Europe/Paris"?',
    });
    expectOnly(base({}, 'timezone: Paris'), {
      rule: 'unknown-timezone',
      line: 11,
      column: 11,
      message: 'timezone must be an IANA time zone name such as "Europe/Paris"; found "Paris"',
      hint: 'did you mean "Europe/Paris"?',
    });
  });
});

describe('order of started, detected, mitigated, resolved', () => {
  it('resolved-before-started', () => {
    expectOnly(base({ detected: null, mitigated: null, resolved: 'resolved: 2024-05-01T09:00:00Z' }), {
      rule: 'resolved-before-started',
      line: 6,
      column: 11,
      message: 'resolved (2024-05-01T09:00:00Z) must not be before started (2024-05-01T10:00:00Z)',
    });
  });

  it('mitigated-before-started', () => {
    expectOnly(base({ mitigated: 'mitigated: 2024-05-01T09:59:00Z' }), {
      rule: 'mitigated-before-started',
      line: 7,
      column: 12,
      message: 'mitigated (2024-05-01T09:59:00Z) must not be before started (2024-05-01T10:00:00Z)',
    });
  });

  it('detected-after-resolved', () => {
    expectOnly(base({ detected: 'detected: 2024-05-01T10:21:00Z' }), {
      rule: 'detected-after-resolved',
      line: 6,
      column: 11,
      message: 'detected (2024-05-01T10:21:00Z) must not be after resolved (2024-05-01T10:20:00Z)',
    });
  });

  it('mitigated-after-resolved', () => {
    expectOnly(base({ mitigated: 'mitigated: 2024-05-01T11:00:00Z' }), {
      rule: 'mitigated-after-resolved',
      line: 7,
      column: 12,
      message: 'mitigated (2024-05-01T11:00:00Z) must not be after resolved (2024-05-01T10:20:00Z)',
    });
  });

  it('detected-before-started is a warning', () => {
    expectOnly(base({ detected: 'detected: 2024-05-01T09:55:00Z' }), {
      rule: 'detected-before-started',
      severity: 'warning',
      line: 6,
      column: 11,
      message: 'detected (2024-05-01T09:55:00Z) is before started (2024-05-01T10:00:00Z): the team knew before customers were affected',
    });
  });

  it('equal times are fine, and offsets are compared as instants', () => {
    const r = validate(
      base({
        detected: 'detected: 2024-05-01T10:00:00Z',
        mitigated: 'mitigated: 2024-05-01T06:20:00-04:00',
        resolved: 'resolved: 2024-05-01T12:20:00+02:00',
      }),
    );
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.incident?.mitigated, r.incident?.resolved);
  });

  it('future-time: a started or resolved later than now (not for maintenance)', () => {
    expectOnly(base({ detected: null, mitigated: null, resolved: 'resolved: 2025-01-01T00:00:01Z' }), {
      rule: 'future-time',
      line: 6,
      column: 11,
      message: 'resolved (2025-01-01T00:00:01Z) is later than now (2025-01-01T00:00:00Z); leave it out while the incident is ongoing',
    });
    expectOnly(base({ started: 'started: 2025-02-01T00:00:00Z', detected: null, mitigated: null, resolved: null, root_cause: null }), {
      rule: 'future-time',
      line: 5,
      column: 10,
      message: 'started (2025-02-01T00:00:00Z) is later than now (2025-01-01T00:00:00Z); only maintenance may be scheduled in the future',
    });
    const maintenance = validate(
      base({ severity: 'severity: maintenance', started: 'started: 2025-02-01T00:00:00Z', detected: null, mitigated: null, resolved: 'resolved: 2025-02-01T02:00:00Z', root_cause: null }),
    );
    assert.deepEqual(maintenance.diagnostics, []);
    assert.deepEqual(maintenance.incident?.services, [{ id: 'api', impact: 'under_maintenance' }]);
  });
});

describe('services', () => {
  it('unknown-service: with the ids of site.yaml and a suggestion', () => {
    expectOnly(base({ services: 'services: [website, apii]' }), {
      rule: 'unknown-service',
      line: 9,
      column: 21,
      message: 'unknown service "apii"; expected one of the ids in site.yaml: api, website, db',
      hint: 'did you mean "api"?',
    });
  });

  it('unknown-service: written as a mapping, at its id', () => {
    expectOnly(base({ services: 'services:\n  - id: webiste\n    impact: major_outage' }), {
      rule: 'unknown-service',
      line: 10,
      column: 9,
      message: 'unknown service "webiste"; expected one of the ids in site.yaml: api, website, db',
      hint: 'did you mean "website"?',
    });
  });

  it('duplicate-service: the second mention', () => {
    expectOnly(base({ services: 'services: [api, db, {id: api, impact: major_outage}]' }), {
      rule: 'duplicate-service',
      line: 9,
      column: 26,
      message: 'service "api" is listed twice; expected each service once',
    });
  });
});

describe('warnings', () => {
  it('timeline-order', () => {
    expectOnly(base({}, 'timeline:', '  - at: 2024-05-01T10:10:00Z', '    text: one', '  - at: 2024-05-01T10:05:00Z', '    text: two'), {
      rule: 'timeline-order',
      severity: 'warning',
      line: 14,
      column: 9,
      message: 'timeline[1] (2024-05-01T10:05:00Z) is earlier than the entry before it (2024-05-01T10:10:00Z); entries are shown in time order',
    });
  });

  it('timeline entries may lie before started and after resolved without a warning', () => {
    const r = validate(base({}, 'timeline:', '  - at: 2024-04-30T10:00:00Z', '    text: early sign', '  - at: 2024-05-03T10:00:00Z', '    text: follow-up', '    status: postmortem'));
    assert.deepEqual(r.diagnostics, []);
  });

  it('missing-root-cause: a resolved incident without root_cause', () => {
    expectOnly(base({ root_cause: null }), {
      rule: 'missing-root-cause',
      severity: 'warning',
      line: 2,
      column: 1,
      message: 'the incident is resolved but has no root_cause; readers come to a postmortem to learn why it happened',
      hint: /root_cause/,
    });
  });

  it('missing-root-cause: not for drafts unless --drafts, never for maintenance or ongoing incidents', () => {
    const draft = base({ root_cause: null }, 'draft: true');
    assert.deepEqual(validate(draft).diagnostics, []);
    assert.equal(validate(draft).incident?.draft, true);
    assert.deepEqual(validate(draft, { drafts: true }).diagnostics.map((d) => d.rule), ['missing-root-cause']);
    assert.deepEqual(validate(base({ root_cause: null, severity: 'severity: maintenance' })).diagnostics, []);
    assert.deepEqual(validate(base({ root_cause: null, resolved: null }), { now: Date.parse('2024-05-02T00:00:00Z') }).diagnostics, []);
  });

  it('long-ongoing is not added when `resolved` is written but invalid (that is already an error)', () => {
    const r = validate(base({ resolved: 'resolved: soon' }));
    assert.deepEqual(r.diagnostics.map((d) => d.rule), ['invalid-timestamp']);
    const empty = validate(base({ resolved: 'resolved:' }));
    assert.deepEqual(empty.diagnostics.map((d) => [d.rule, d.message]), [['invalid-type', 'resolved must be a string; found an empty value']]);
  });

  it('overdue-action: an open or in-progress action past its due date', () => {
    expectOnly(base({}, 'actions:', '  - title: Add a canary', '    status: open', '    due: 2024-12-31'), {
      rule: 'overdue-action',
      severity: 'warning',
      line: 14,
      column: 10,
      message: 'action "Add a canary" is open and past its due date 2024-12-31',
    });
    expectOnly(base({}, 'actions:', '  - title: Add a canary', '    status: in_progress', '    due: 2024-06-30'), {
      rule: 'overdue-action',
      severity: 'warning',
      line: 14,
      column: 10,
      message: 'action "Add a canary" is in progress and past its due date 2024-06-30',
    });
  });

  it('overdue-action: not when due today, done, wont_do, or in a draft', () => {
    for (const [status, due, extra] of [
      ['open', '2025-01-01', []],
      ['done', '2024-01-01', []],
      ['wont_do', '2024-01-01', []],
      ['open', '2024-01-01', ['draft: true']],
    ] as const) {
      const r = validate(base({}, ...extra, 'actions:', '  - title: Fix', `    status: ${status}`, `    due: ${due}`));
      assert.deepEqual(r.diagnostics, [], `${status} ${due} ${extra.join()}`);
    }
  });

  it(`long-ongoing: an incident ongoing for more than ${LONG_ONGOING_DAYS} days`, () => {
    const started = Date.parse('2024-05-01T10:00:00Z');
    const text = base({ detected: null, mitigated: null, resolved: null });
    expectOnly(
      text,
      {
        rule: 'long-ongoing',
        severity: 'warning',
        line: 5,
        column: 10,
        message: 'the incident has been ongoing for 31 d 5 h (more than 30 days); a forgotten `resolved`?',
        hint: /resolved:/,
      },
      { now: started + 31 * DAY + 5 * 3_600_000 },
    );
    assert.deepEqual(validate(text, { now: started + LONG_ONGOING_DAYS * DAY }).diagnostics, [], 'exactly 30 days is not yet long');
    // Maintenance may stay open (scheduled); no warning.
    assert.deepEqual(validate(base({ severity: 'severity: maintenance', detected: null, mitigated: null, resolved: null }), { now: started + 90 * DAY }).diagnostics, []);
  });
});

describe('file names and ids', () => {
  it('idFromPath: the file name without .md', () => {
    assert.equal(idFromPath('incidents/2024/2024-05-01-x.md'), '2024-05-01-x');
  });

  it('invalid-filename: not a slug, too long, not ending in .md', () => {
    const [bad] = checkFileName('incidents/API_Outage.md');
    assert.deepEqual(
      { ...bad },
      {
        file: 'incidents/API_Outage.md',
        line: 1,
        column: 1,
        severity: 'error',
        rule: 'invalid-filename',
        message: 'the file name is the incident id and URL slug: expected lowercase letters, digits and single hyphens (like 2020-05-29-api-outage.md); found "API_Outage"',
        hint: 'rename it to "api-outage.md"',
      },
    );
    const long = `incidents/${'a'.repeat(101)}.md`;
    assert.equal(checkFileName(long)[0]?.message, 'the file name is the incident id and must be at most 100 characters; found 101');
    assert.deepEqual(checkFileName(`incidents/${'a'.repeat(100)}.md`), []);
    assert.equal(checkFileName('incidents/outage.MD')[0]?.message, 'incident files must end in ".md" (lowercase); found "outage.MD"');
    for (const name of ['a--b', '-a', 'a-', 'a b', 'é']) assert.equal(checkFileName(`incidents/${name}.md`).length, 1, name);
    for (const name of ['a', '2024-05-01-a-b', 'x1']) assert.deepEqual(checkFileName(`incidents/${name}.md`), [], name);
  });

  it('invalid-filename: reported by validateDocument too, beside the content\'s diagnostics', () => {
    const r = validate(base({ severity: 'severity: hight' }), { file: 'incidents/Bad Name.md' });
    assert.deepEqual(r.diagnostics.map((d) => [d.file, d.rule, d.line, d.column]), [
      ['incidents/Bad Name.md', 'invalid-filename', 1, 1],
      ['incidents/Bad Name.md', 'invalid-enum', 4, 11],
    ]);
  });

  it('duplicate-id: the same file name in two folders', () => {
    const files = ['incidents/2023/outage.md', 'incidents/2024/outage.md', 'incidents/other.md'];
    assert.deepEqual(checkAcrossFiles(files), [
      {
        file: 'incidents/2024/outage.md',
        line: 1,
        column: 1,
        severity: 'error',
        rule: 'duplicate-id',
        message: 'incident id "outage" is already used by incidents/2023/outage.md; ids (file names) must be unique across incidents/ and its sub-folders',
        hint: 'rename one of the files',
      },
    ]);
    assert.deepEqual(checkAcrossFiles(['incidents/a.md', 'incidents/b.md']), []);
  });
});

describe('detection and an action\'s closed date (insights)', () => {
  const action = (status: string, closed: string) => ['actions:', '  - title: Rotate certificates', `    status: ${status}`, `    closed: ${closed}`];

  it('reads `detection` and `closed`', () => {
    const r = validate(base({}, 'detection: customer', ...action('done', '2024-06-03')));
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.incident?.detection, 'customer');
    assert.equal(r.incident?.actions[0]?.closed, '2024-06-03');
    assert.equal(validate(base({}, ...action('wont_do', '2024-05-01'))).incident?.actions[0]?.closed, '2024-05-01', 'closed on the day it started');
  });

  it('an unknown detection method is invalid-enum, with the list', () => {
    expectOnly(base({}, 'detection: pager'), {
      rule: 'invalid-enum',
      line: 11,
      column: 12,
      message: /detection must be one of monitoring, customer, employee, third_party, other; found "pager"/,
    });
  });

  it('closed-while-open: only done or won\'t-do actions are closed', () => {
    expectOnly(base({}, ...action('in_progress', '2024-06-03')), {
      rule: 'closed-while-open',
      line: 14,
      column: 13,
      message: 'action "Rotate certificates" has closed: 2024-06-03 but its status is in progress; only a done or won\'t-do action is closed',
      hint: /status: done/,
    });
  });

  it('closed-before-started: read in the incident\'s time zone', () => {
    expectOnly(base({}, ...action('done', '2024-04-30')), {
      rule: 'closed-before-started',
      line: 14,
      column: 13,
      message: 'action "Rotate certificates" is closed on 2024-04-30, before its incident started (2024-05-01, UTC)',
    });
    // 2024-05-01T02:00Z is still 30 April in New York: closing on the 30th is not before the start there.
    const ny = base({ started: 'started: 2024-05-01T02:00:00Z', detected: null, mitigated: null }, 'timezone: America/New_York', ...action('done', '2024-04-30'));
    assert.deepEqual(validate(ny).diagnostics, []);
  });

  it('closed-in-future: not later than today, and valid again once that day comes', () => {
    const text = base({}, ...action('done', '2025-01-02'));
    expectOnly(text, {
      rule: 'closed-in-future',
      line: 14,
      column: 13,
      message: 'action "Rotate certificates" is closed on 2025-01-02, later than today (2025-01-01, UTC)',
    });
    assert.deepEqual(validate(text, { now: Date.parse('2025-01-02T00:00:00Z') }).diagnostics, []);
    // The result says until when it holds, so that the cache and `dev` look again on that day.
    const doc = parseIncidentText(FILE, text);
    const nowWindow = { from: -Infinity, until: Infinity };
    validateDocument(doc, { config, now: NOW, nowWindow });
    assert.equal(nowWindow.until, Date.parse('2025-01-02T00:00:00Z'));
  });

  it('a closed date that is not a date is invalid-date (as for due), and nothing else', () => {
    const r = validate(base({}, ...action('done', 'yesterday')));
    assert.deepEqual(r.diagnostics.map((d) => d.rule), ['invalid-date']);
    assert.equal(r.diagnostics[0]?.line, 14);
  });
});

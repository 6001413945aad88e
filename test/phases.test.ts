/**
 * Impact phases (issue 13): a timeline entry's `impact` changes services' impact from its `at` onward. Validation
 * (located errors), the phases of the site model, the status, uptime against a per-minute reference, the day bars
 * and their incidents.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { parseIncidentText } from '../src/parse/index.js';
import { validateDocument } from '../src/validate/index.js';
import type { Impact, Incident, SiteConfig } from '../src/core/index.js';
import { impactAt, servicePhases } from '../src/site/index.js';
import { DAY, HOUR, MINUTE, T, makeIncident, makeModel } from './helpers/factory.js';
import { buildSite, type BuiltSite } from './helpers/browser.js';

const FILE = 'incidents/2021-01-04-slack.md';
const NOW = T('2021-01-10T00:00:00Z');
const config: SiteConfig = {
  title: 'Acme Status',
  basePath: '/',
  timezone: 'UTC',
  uptimeDays: 90,
  services: [
    { id: 'chat', name: 'Chat' },
    { id: 'email', name: 'Email' },
    { id: 'calendar', name: 'Calendar' },
  ],
};

/** A Slack-like incident (line numbers in comments); `timeline` lines are appended after line 8. */
function file(timeline: string[], opts: { resolved?: string | null; services?: string; severity?: string } = {}): string {
  const lines = [
    '---',
    'title: Slack was down', // 2
    'summary: Chat, then email and calendar.', // 3
    `severity: ${opts.severity ?? 'critical'}`, // 4
    'started: 2021-01-04T15:00:00Z', // 5
    ...(opts.resolved === null ? [] : [`resolved: ${opts.resolved ?? '2021-01-04T19:40:00Z'}`]), // 6
    `services: ${opts.services ?? '[chat, email, {id: calendar, impact: operational}]'}`, // 7
    'root_cause: Load.', // 8
    'timeline:', // 9
    ...timeline,
    '---',
    '',
  ];
  return lines.join('\n');
}

function validate(text: string, now = NOW) {
  return validateDocument(parseIncidentText(FILE, text), { config, now });
}

function only(text: string, rule: string, line: number, column: number, message: RegExp, now = NOW) {
  const r = validate(text, now);
  assert.deepEqual(r.diagnostics.map((d) => `${d.rule} ${d.line}:${d.column}`), [`${rule} ${line}:${column}`], JSON.stringify(r.diagnostics, null, 1));
  assert.match(r.diagnostics[0]!.message, message);
  assert.equal(r.incident, null);
  return r.diagnostics[0]!;
}

describe('impact phases: validation', () => {
  it('reads changes per entry, `operational` as no impact, and keeps them in time order', () => {
    const r = validate(
      file([
        '  - at: 2021-01-04T16:00:00Z',
        '    text: Chat recovering; calendar failing now.',
        '    impact: { chat: degraded_performance, calendar: partial_outage }',
        '  - at: 2021-01-04T15:30:00Z',
        '    text: Chat is fully down.',
        '    impact: { chat: major_outage }',
        '  - at: 2021-01-04T17:00:00Z',
        '    text: Chat is back.',
        '    impact: { chat: operational }',
      ]),
    );
    assert.deepEqual(r.diagnostics.map((d) => d.rule), ['timeline-order']);
    const inc = r.incident!;
    assert.deepEqual(inc.services, [
      { id: 'chat', impact: 'major_outage' },
      { id: 'email', impact: 'major_outage' },
      { id: 'calendar', impact: null },
    ]);
    assert.deepEqual(
      inc.timeline.map((e) => [new Date(e.at).toISOString().slice(11, 16), e.impact]),
      [
        ['15:30', [{ service: 'chat', impact: 'major_outage' }]],
        ['16:00', [{ service: 'chat', impact: 'degraded_performance' }, { service: 'calendar', impact: 'partial_outage' }]],
        ['17:00', [{ service: 'chat', impact: null }]],
      ],
    );
    const chat = servicePhases(inc, 'chat', 'major_outage');
    assert.deepEqual(chat, [
      { start: T('2021-01-04T15:00:00Z'), end: T('2021-01-04T16:00:00Z'), impact: 'major_outage' },
      { start: T('2021-01-04T16:00:00Z'), end: T('2021-01-04T17:00:00Z'), impact: 'degraded_performance' },
      { start: T('2021-01-04T17:00:00Z'), end: T('2021-01-04T19:40:00Z'), impact: null },
    ]);
    assert.equal(impactAt(chat, T('2021-01-04T16:30:00Z')), 'degraded_performance');
    assert.equal(impactAt(chat, T('2021-01-04T19:40:00Z')), undefined, 'the incident is over at resolved');
  });

  it('an entry without `impact` changes nothing; a file without phases reads as before', () => {
    const r = validate(file(['  - at: 2021-01-04T16:00:00Z', '    text: Still looking.']));
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.incident!.timeline[0]!.impact, undefined);
    assert.equal('impact' in r.incident!.timeline[0]!, false);
  });

  it('a service the incident does not list: impact-unlisted-service at its key, with a suggestion', () => {
    const d = only(
      file(['  - at: 2021-01-04T16:00:00Z', '    text: x', '    impact: { chat: operational, emial: major_outage }']),
      'impact-unlisted-service', 12, 34,
      /^timeline\[0\]\.impact names "emial", which is neither in this incident's services nor in site\.yaml; expected one of chat, email, calendar$/,
    );
    assert.equal(d.hint, 'did you mean "email"?');
    only(
      file(['  - at: 2021-01-04T16:00:00Z', '    text: x', '    impact: { calendar: major_outage }'], { services: '[chat, email]' }),
      'impact-unlisted-service', 12, 15,
      /names "calendar", which this incident does not list in services; expected one of chat, email$/,
    );
  });

  it('a change before started, at or after resolved, or after now while ongoing: impact-outside-incident at its `at`', () => {
    only(file(['  - at: 2021-01-04T14:59:00Z', '    text: x', '    impact: { chat: operational }']), 'impact-outside-incident', 10, 9, /at 2021-01-04T14:59:00Z, before the incident started \(2021-01-04T15:00:00Z\)/);
    only(file(['  - at: 2021-01-04T19:40:00Z', '    text: x', '    impact: { chat: operational }']), 'impact-outside-incident', 10, 9, /when the incident is already over \(resolved 2021-01-04T19:40:00Z\); impact ends at resolved/);
    only(file(['  - at: 2021-01-11T00:00:00Z', '    text: x', '    impact: { chat: operational }'], { resolved: null }), 'impact-outside-incident', 9, 9, /later than now \(2021-01-10T00:00:00Z\)/);
    // Scheduled maintenance may have phases ahead of now.
    const m = validate(
      file(['  - at: 2021-02-01T11:00:00Z', '    text: Email next.', '    impact: { chat: operational, email: under_maintenance }'], {
        severity: 'maintenance',
        resolved: '2021-02-01T12:00:00Z',
        services: '[chat, {id: email, impact: operational}]',
      }).replace('started: 2021-01-04T15:00:00Z', 'started: 2021-02-01T10:00:00Z'),
    );
    assert.deepEqual(m.diagnostics, []);
  });

  it('two different changes of one service at the same instant: impact-conflict at the second; the same change twice is fine', () => {
    only(
      file([
        '  - at: 2021-01-04T16:00:00Z',
        '    text: a',
        '    impact: { chat: degraded_performance }',
        '  - at: 2021-01-04T16:00:00Z',
        '    text: b',
        '    impact: { chat: operational }',
      ]),
      'impact-conflict', 15, 21,
      /^timeline\[1\]\.impact sets "chat" to operational at 2021-01-04T16:00:00Z, but timeline\[0\] sets it to degraded_performance at the same instant$/,
    );
    const same = validate(
      file(['  - at: 2021-01-04T16:00:00Z', '    text: a', '    impact: { chat: operational }', '  - at: 2021-01-04T16:00:00Z', '    text: b', '    impact: { chat: operational }']),
    );
    assert.deepEqual(same.diagnostics, []);
  });

  it('an empty mapping, a bad impact and a list where a mapping belongs are located errors', () => {
    only(file(['  - at: 2021-01-04T16:00:00Z', '    text: x', '    impact: {}']), 'invalid-value', 12, 13, /timeline\[0\]\.impact must name at least one service; found an empty mapping/);
    only(file(['  - at: 2021-01-04T16:00:00Z', '    text: x', '    impact: { chat: down }']), 'invalid-enum', 12, 21, /timeline\[0\]\.impact\.chat must be one of major_outage, partial_outage, degraded_performance, under_maintenance, operational; found "down"/);
    only(file(['  - at: 2021-01-04T16:00:00Z', '    text: x', '    impact: [chat]']), 'invalid-type', 12, 13, /timeline\[0\]\.impact must be a mapping/);
    only(file([], { services: '[{id: chat, impact: fine}]' }).replace('timeline:\n', ''), 'invalid-enum', 7, 31, /services\[0\]\.impact must be one of .*operational; found "fine"/);
  });
});

// ---------------------------------------------------------------------------------------------

const MODEL_NOW = '2024-06-15T12:00:00Z';

/** An incident with phases on `api`: given as [minutes after started, impact] changes. */
function phased(id: string, started: string, resolved: string | undefined, initial: Impact | null, changes: [number, Impact | null][], extra: Partial<Incident> = {}): Incident {
  const s = T(started);
  return makeIncident({
    id,
    severity: 'critical',
    started,
    ...(resolved ? { resolved } : {}),
    services: [{ id: 'api', impact: initial }],
    timeline: changes.map(([m, impact]) => ({ at: s + m * MINUTE, text: 'x', impact: [{ service: 'api', impact }] })),
    ...extra,
  });
}

describe('impact phases: the site model', () => {
  it('a service\'s status is its current phase; a recovered service is operational while the incident goes on', () => {
    const inc = makeIncident({
      id: 'slack',
      severity: 'critical',
      started: '2024-06-15T09:00:00Z',
      services: [{ id: 'api', impact: 'major_outage' }, { id: 'website', impact: 'major_outage' }, { id: 'db', impact: null }],
      timeline: [
        { at: T('2024-06-15T10:00:00Z'), text: 'API back', impact: [{ service: 'api', impact: null }, { service: 'website', impact: 'degraded_performance' }] },
        { at: T('2024-06-15T11:00:00Z'), text: 'db hit', impact: [{ service: 'db', impact: 'partial_outage' }] },
      ],
    });
    const m = makeModel([inc], { now: MODEL_NOW });
    const status = Object.fromEntries(m.services.map((s) => [s.id, s.status]));
    assert.deepEqual(status, { api: 'operational', website: 'degraded_performance', db: 'partial_outage' });
    assert.deepEqual(m.overall, { status: 'partial_outage', indicator: 'major', description: 'Partial System Outage' });
    assert.deepEqual(m.active.map((i) => i.id), ['slack'], 'the incident itself is still ongoing');
    // Before the second phase, the first applies.
    const earlier = makeModel([inc], { now: '2024-06-15T09:30:00Z' });
    assert.deepEqual(Object.fromEntries(earlier.services.map((s) => [s.id, s.status])), { api: 'major_outage', website: 'major_outage', db: 'operational' });
  });

  it('uptime counts each phase with its own impact: 4 h 40 min are not all a major outage', () => {
    // Slack-like: 1 h major, 2 h partial, 1 h 40 min degraded.
    const m = makeModel([phased('s', '2024-06-14T15:00:00Z', '2024-06-14T19:40:00Z', 'major_outage', [[60, 'partial_outage'], [180, 'degraded_performance']])], { now: MODEL_NOW });
    const api = m.services.find((s) => s.id === 'api')!;
    const day = api.days.find((d) => d.date === '2024-06-14')!;
    assert.equal(day.downtimeMinutes, 60 + 0.3 * 120);
    assert.equal(day.worst, 'major_outage');
    const view = m.byId.get('s')!;
    assert.deepEqual(view.phases!.map((p) => [p.id, p.impactedMs / MINUTE]), [['api', 280]]);
    // Without phases the same file would count 280 minutes as down.
    const flat = makeModel([makeIncident({ id: 's', severity: 'critical', started: '2024-06-14T15:00:00Z', resolved: '2024-06-14T19:40:00Z' })], { now: MODEL_NOW });
    assert.equal(flat.services.find((s) => s.id === 'api')!.days.find((d) => d.date === '2024-06-14')!.downtimeMinutes, 280);
  });

  it('a recovered phase does not list the incident on the days after recovery; a service never hit is listed throughout', () => {
    const inc = makeIncident({
      id: 'long',
      severity: 'critical',
      started: '2024-06-10T22:00:00Z',
      resolved: '2024-06-13T10:00:00Z',
      services: [{ id: 'api', impact: 'major_outage' }, { id: 'db', impact: null }],
      timeline: [{ at: T('2024-06-11T02:00:00Z'), text: 'API back', impact: [{ service: 'api', impact: null }] }],
    });
    const m = makeModel([inc], { now: MODEL_NOW });
    const days = (id: string) => Object.fromEntries(m.services.find((s) => s.id === id)!.days.filter((d) => d.date >= '2024-06-10' && d.date <= '2024-06-13').map((d) => [d.date, [d.worst, d.downtimeMinutes, d.incidents.join()]]));
    assert.deepEqual(days('api'), {
      '2024-06-10': ['major_outage', 120, 'long'],
      '2024-06-11': ['major_outage', 120, 'long'],
      '2024-06-12': ['operational', 0, ''],
      '2024-06-13': ['operational', 0, ''],
    });
    assert.deepEqual(days('db'), {
      '2024-06-10': ['operational', 0, 'long'],
      '2024-06-11': ['operational', 0, 'long'],
      '2024-06-12': ['operational', 0, 'long'],
      '2024-06-13': ['operational', 0, 'long'],
    });
    assert.deepEqual(m.services.find((s) => s.id === 'api')!.incidentIds, ['long'], 'listed once');
  });

  it('a change at the very start replaces the impact written in services', () => {
    const m = makeModel([phased('z', '2024-06-14T10:00:00Z', '2024-06-14T11:00:00Z', 'major_outage', [[0, null], [30, 'partial_outage']])], { now: MODEL_NOW });
    assert.deepEqual(m.byId.get('z')!.phases![0]!.phases.map((p) => p.impact), [null, 'partial_outage']);
    assert.equal(m.services.find((s) => s.id === 'api')!.days.at(-2)!.downtimeMinutes, 9);
  });

  it('a service hit later in a cascade starts unaffected', () => {
    const m = makeModel([phased('c', '2024-06-14T10:00:00Z', '2024-06-14T12:00:00Z', null, [[30, 'major_outage']])], { now: MODEL_NOW });
    assert.equal(m.services.find((s) => s.id === 'api')!.days.at(-2)!.downtimeMinutes, 90);
  });

  it('matches a per-minute reference on random phases and overlapping incidents', () => {
    const now = T(MODEL_NOW);
    const origin = T('2024-06-12T00:00:00Z');
    const impacts: (Impact | null)[] = ['major_outage', 'partial_outage', 'degraded_performance', 'under_maintenance', null];
    const weight = (i: Impact | null | undefined) => (i === 'major_outage' ? 1 : i === 'partial_outage' ? 0.3 : 0);
    const arb = fc.array(
      fc.record({
        start: fc.integer({ min: 0, max: 4 * 1440 }),
        length: fc.integer({ min: 1, max: 2000 }),
        initial: fc.constantFrom(...impacts),
        changes: fc.array(fc.tuple(fc.integer({ min: 0, max: 1999 }), fc.constantFrom(...impacts)), { maxLength: 4 }),
        ongoing: fc.boolean(),
      }),
      { maxLength: 5 },
    );
    fc.assert(
      fc.property(arb, (specs) => {
        const incidents = specs.map((s, k) => {
          const changes = [...new Map(s.changes.filter(([m]) => m < s.length).map(([m, i]) => [m, i] as const)).entries()].sort((a, b) => a[0] - b[0]);
          const started = new Date(origin + s.start * MINUTE).toISOString();
          const resolved = s.ongoing ? undefined : new Date(origin + (s.start + s.length) * MINUTE).toISOString();
          return phased(`i${k}`, started, resolved, s.initial, changes);
        });
        const m = makeModel(incidents, { now, config: { uptimeDays: 3, services: [{ id: 'api', name: 'API' }] } });
        const api = m.services[0]!;
        let total = 0;
        for (let d = 0; d < 3; d++) {
          const dayStart = T('2024-06-13T00:00:00Z') + d * DAY;
          let down = 0;
          for (let t = dayStart; t < Math.min(dayStart + DAY, now); t += MINUTE) {
            let w = 0;
            for (const inc of incidents) {
              if (t < inc.started || t >= Math.min(inc.resolved ?? now, now)) continue;
              // The impact at t: the initial one, changed by every entry at or before t.
              let impact = inc.services[0]!.impact;
              for (const e of inc.timeline) if (e.at <= t) impact = e.impact![0]!.impact;
              w = Math.max(w, weight(impact));
            }
            down += w;
          }
          total += down;
          assert.ok(Math.abs(api.days[d]!.downtimeMinutes - down) < 0.006, `day ${d}: ${api.days[d]!.downtimeMinutes} vs ${down}`);
        }
        const expected = 100 * (1 - total / (60 * 60));
        assert.ok(Math.abs(api.uptimePercent! - expected) < 1e-6, `${api.uptimePercent} vs ${expected}`);
      }),
      { numRuns: 80, seed: 1313 },
    );
  });

  it('durations per service count impacted time only, up to now while ongoing', () => {
    const m = makeModel([phased('o', '2024-06-15T08:00:00Z', undefined, 'major_outage', [[60, null], [120, 'degraded_performance']])], { now: MODEL_NOW });
    assert.equal(m.byId.get('o')!.phases![0]!.impactedMs, HOUR + 2 * HOUR);
  });
});

// ---------------------------------------------------------------------------------------------

describe('impact phases: the built site, as readers and API clients meet it', () => {
  let site: BuiltSite;
  const read = (p: string) => readFile(path.join(site.out, p), 'utf8');
  const json = async (p: string) => JSON.parse(await read(p));
  before(async () => {
    site = await buildSite('phases');
  });
  after(async () => site?.cleanup());

  it('the status page shows each service at its current phase', async () => {
    const summary = await json('api/v2/summary.json');
    const status = Object.fromEntries(summary.components.filter((c: { group: boolean }) => !c.group).map((c: { id: string; status: string }) => [c.id, c.status]));
    assert.deepEqual(status, { messaging: 'operational', calls: 'operational', integrations: 'operational', api: 'degraded_performance', cdn: 'operational' });
    assert.deepEqual(summary.status, { indicator: 'minor', description: 'Minor Service Outage' });
    const html = await read('index.html');
    assert.match(html, /Public API<\/a>[\s\S]*?st-degraded_performance/);
  });

  it('the Statuspage API reports each update\'s affected components with their old and new status', async () => {
    const { incidents } = await json('api/v2/incidents/unresolved.json');
    const updates = incidents[0].incident_updates.map((u: { status: string; affected_components: unknown }) => [u.status, u.affected_components]);
    assert.deepEqual(updates, [
      ['monitoring', [{ code: 'cdn', name: 'Edge delivery', old_status: 'partial_outage', new_status: 'operational' }]],
      ['identified', [
        { code: 'cdn', name: 'Edge delivery', old_status: 'major_outage', new_status: 'partial_outage' },
        { code: 'api', name: 'Public API', old_status: 'operational', new_status: 'degraded_performance' },
      ]],
      ['investigating', [{ code: 'cdn', name: 'Edge delivery', old_status: 'operational', new_status: 'major_outage' }]],
    ]);
    assert.deepEqual(incidents[0].components.map((c: { id: string; status: string }) => [c.id, c.status]), [['cdn', 'operational'], ['api', 'degraded_performance']]);
    // The resolved update: messaging's recovery, written on an entry without a status, is reported with it, and
    // email and calendar end with the incident.
    const all = await json('api/v2/incidents.json');
    const slack = all.incidents.find((i: { id: string }) => i.id === '2021-01-04-messaging-degraded-then-down');
    assert.deepEqual(slack.incident_updates[0].affected_components, [
      { code: 'messaging', name: 'Messaging', old_status: 'degraded_performance', new_status: 'operational' },
      { code: 'integrations', name: 'Email and calendar', old_status: 'major_outage', new_status: 'operational' },
    ]);
    assert.deepEqual(slack.incident_updates.at(-1).affected_components, [
      { code: 'messaging', name: 'Messaging', old_status: 'operational', new_status: 'partial_outage' },
      { code: 'integrations', name: 'Email and calendar', old_status: 'operational', new_status: 'major_outage' },
    ], 'the first update: from before the incident; calls starts unaffected');
    // Incidents without phases keep `null`.
    assert.ok(all.incidents.filter((i: { id: string }) => i.id !== slack.id && i.id !== 'cdn-and-api-errors').every((i: { incident_updates: { affected_components: unknown }[] }) => i.incident_updates.every((u) => u.affected_components === null)));
  });

  it('our API gives each service its phases and impacted time, the timeline its changes, and the links', async () => {
    const r = await json('api/incidents/2021-01-04-messaging-degraded-then-down.json');
    assert.deepEqual(r.services.map((s: { id: string; impact: string | null; impacted_ms: number }) => [s.id, s.impact, s.impacted_ms / MINUTE]), [
      ['messaging', 'partial_outage', 150],
      ['integrations', 'major_outage', 280],
      ['calls', null, 45],
    ]);
    assert.deepEqual(r.services[2].phases, [
      { from: '2021-01-04T15:00:00Z', until: '2021-01-04T15:45:00Z', impact: 'operational' },
      { from: '2021-01-04T15:45:00Z', until: '2021-01-04T16:30:00Z', impact: 'partial_outage' },
      { from: '2021-01-04T16:30:00Z', until: '2021-01-04T19:40:00Z', impact: 'operational' },
    ]);
    assert.deepEqual(r.timeline[3].impact, { messaging: 'degraded_performance', calls: 'operational' });
    assert.equal(r.timeline[0].impact, undefined);
    assert.deepEqual(r.links.map((l: { kind: string | null }) => l.kind), ['postmortem', 'dashboard', 'ticket', 'related']);
    const plain = await json('api/incidents/2020-11-02-api-outage.json');
    assert.deepEqual(Object.keys(plain.services[0]), ['id', 'name', 'impact'], 'no phase keys without phases');
    assert.equal('links' in plain, false, 'no links key without links');
  });

  it('uptime per year for each service\'s whole life, in the API and on the pages', async () => {
    const { services } = await json('api/services.json');
    const messaging = services.find((s: { id: string }) => s.id === 'messaging');
    assert.deepEqual(messaging.yearly.map((y: { year: string }) => y.year), ['2019', '2020', '2021', '2022', '2023', '2024', '2025', '2026']);
    // 2021: 60 min of major outage and 30 min of partial outage (30 %); degraded performance is not downtime.
    assert.equal(messaging.yearly[2].downtime_minutes, 69);
    assert.ok(Math.abs(messaging.yearly[2].uptime_percent - 100 * (1 - 69 / (365 * 1440))) < 1e-9);
    // Lived from since (2019-03-01): 2019 counts 306 days.
    assert.equal(messaging.yearly[0].uptime_percent, 100);
    const integrations = services.find((s: { id: string }) => s.id === 'integrations');
    assert.equal(integrations.yearly[0].year, '2020', 'since 2020-06-15');
    // A service without `since` lives from the first year of the history (2019).
    assert.equal(services.find((s: { id: string }) => s.id === 'api').yearly[0].year, '2019');
    const page = await read('services/messaging/index.html');
    assert.match(page, /<th scope="row">2021<\/th><td>99\.98\s?%<\/td><td>1\sh\s9\smin<\/td>/);
    const year = await read('history/index.html');
    assert.match(year, /<h2 id="uptime-years">Uptime by year<\/h2>/);
  });

  it('insights count the downtime of a service by phase, the same minutes as its uptime by year', async () => {
    const services = (await json('api/services.json')).services as { id: string; yearly: { year: string; downtime_minutes: number }[] }[];
    const insights = (await json('api/insights/2021.json')).services as { id: string; downtimeMinutes: number }[];
    const uptime = services.find((s) => s.id === 'messaging')!.yearly.find((y) => y.year === '2021')!.downtime_minutes;
    assert.equal(uptime, 69);
    assert.equal(insights.find((s) => s.id === 'messaging')!.downtimeMinutes, uptime, 'not the worst impact over the whole incident');
  });

  it('the incident page shows when each service was hit and recovered; link titles are text', async () => {
    const page = await read('incidents/2021-01-04-messaging-degraded-then-down/index.html');
    assert.match(page, /Calls<\/a> <span class="muted">impacted 45\smin<\/span>/);
    assert.match(page, /<rect class="ph-operational" x="0" y="0" width="160\.7" height="8"\/><rect class="ph-partial_outage" x="160\.7" y="0" width="160\.7" height="8"\/>/);
    assert.match(page, />Earlier: gateway saturation &lt;in 2019&gt;<\/a> <span class="kind">Related<\/span>/);
    const ongoing = await read('incidents/cdn-and-api-errors/index.html');
    assert.match(ongoing, /Public API<\/a> <span class="muted">impacted 2\sh so far<\/span>/);
    assert.match(ongoing, /st-degraded_performance[^\n]*– ongoing<\/span>/);
  });
});

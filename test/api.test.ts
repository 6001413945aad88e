import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import type { Incident } from '../src/core/index.js';
import type { OutputFile } from '../src/render/index.js';
import { COMPONENT_STATUSES, INCIDENT_STATUSES, MAINTENANCE_STATUSES } from '../src/core/index.js';
import { API_PER_PAGE, apiFiles, incidentRecord, renderNow } from '../src/render/index.js';
import { folderOf, relativeUrl } from '../src/core/index.js';

const renderApi = (model: Parameters<typeof apiFiles>[0]) => renderNow(apiFiles(model));
const relativeLink = (from: string, to: string) => relativeUrl(folderOf(from), to);
import { DAY, HOSTILE, T, makeIncident, makeModel } from './helpers/factory.js';

const NOW = '2024-06-15T12:00:00Z';
const BASE = { baseUrl: 'https://acme.example/status/', basePath: '/status/' };

const PATHS = [
  'api/v2/summary.json',
  'api/v2/status.json',
  'api/v2/components.json',
  'api/v2/incidents.json',
  'api/v2/incidents/unresolved.json',
  'api/v2/scheduled-maintenances.json',
  'api/v2/scheduled-maintenances/upcoming.json',
  'api/v2/scheduled-maintenances/active.json',
  'api/incidents.json',
  'api/incidents/_index.json',
  ...['mt-next', 'mt-now', 'outage', 'fyi', 'past', 'mt-done'].map((id) => `api/incidents/${id}.json`),
  'api/services.json',
];

const PAGE_KEYS = ['id', 'name', 'url', 'time_zone', 'updated_at'];
const COMPONENT_KEYS = [
  'id', 'name', 'status', 'created_at', 'updated_at', 'position', 'description', 'showcase',
  'start_date', 'group_id', 'page_id', 'group', 'only_show_if_degraded',
];
const INCIDENT_KEYS = [
  'id', 'name', 'status', 'created_at', 'updated_at', 'monitoring_at', 'resolved_at', 'impact',
  'shortlink', 'started_at', 'page_id', 'incident_updates', 'components',
];
const UPDATE_KEYS = ['id', 'status', 'body', 'incident_id', 'created_at', 'updated_at', 'display_at'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/;

function fixtures(): Incident[] {
  return [
    makeIncident({
      id: 'outage',
      title: HOSTILE,
      severity: 'critical',
      started: '2024-06-15T10:00:00Z',
      timeline: [
        { at: T('2024-06-15T10:10:00Z'), text: 'Looking into it', status: 'investigating' },
        { at: T('2024-06-15T10:40:00Z'), text: 'Found it <b>', status: 'identified' },
        { at: T('2024-06-15T10:20:00Z'), text: 'a note without status' },
      ],
      services: ['api'],
    }),
    makeIncident({
      id: 'past',
      severity: 'major',
      started: '2024-06-10T10:00:00Z',
      detected: '2024-06-10T10:05:00Z',
      mitigated: '2024-06-10T10:30:00Z',
      resolved: '2024-06-10T11:00:00Z',
      timeline: [
        { at: T('2024-06-10T10:05:00Z'), text: 'Investigating', status: 'investigating' },
        { at: T('2024-06-10T10:30:00Z'), text: 'Monitoring', status: 'monitoring' },
        { at: T('2024-06-10T11:00:00Z'), text: 'Resolved', status: 'resolved' },
      ],
      services: [{ id: 'db', impact: 'partial_outage' }, 'website'],
      actions: [{ title: 'Add alert', status: 'open', owner: 'ops', due: '2024-07-01', priority: 'high', kind: 'detect' }],
      rootCause: 'A *bad* deploy',
      contributingFactors: ['no canary'],
      tags: ['deploy'],
      authors: ['Ana'],
    }),
    makeIncident({ id: 'fyi', severity: 'notice', started: '2024-06-12T10:00:00Z', resolved: '2024-06-12T10:30:00Z', services: ['website'] }),
    makeIncident({ id: 'mt-now', severity: 'maintenance', started: '2024-06-15T11:00:00Z', resolved: '2024-06-15T13:00:00Z', services: ['db'] }),
    makeIncident({ id: 'mt-next', severity: 'maintenance', started: '2024-06-20T02:00:00Z', resolved: '2024-06-20T04:00:00Z', services: ['db'] }),
    makeIncident({ id: 'mt-done', severity: 'maintenance', started: '2024-06-01T02:00:00Z', resolved: '2024-06-01T04:00:00Z', services: ['db'] }),
  ];
}

function render(incidents = fixtures(), config: Parameters<typeof makeModel>[1]['config'] = BASE): Map<string, any> {
  const files = renderApi(makeModel(incidents, { now: NOW, config }));
  return new Map(files.map((f: OutputFile) => [f.path, JSON.parse(f.content as string)]));
}

function keys(o: object): string[] {
  return Object.keys(o);
}

describe('file set and format', () => {
  it('writes every Statuspage v2 path and ours, as 2-space JSON ending with a newline', () => {
    const files = renderApi(makeModel(fixtures(), { now: NOW, config: BASE }));
    assert.deepEqual(files.map((f) => f.path), PATHS);
    for (const f of files) {
      const text = f.content as string;
      assert.ok(text.endsWith('}\n'), f.path);
      assert.match(text, /^\{\n {2}"/, `${f.path} is 2-space indented`);
      assert.doesNotMatch(text, /</, `${f.path}: no literal "<"`);
      JSON.parse(text);
    }
  });

  it('every file carries the page object', () => {
    const api = render();
    for (const path of PATHS.filter((p) => p.startsWith('api/v2/'))) {
      const page = api.get(path).page;
      assert.deepEqual(keys(page), PAGE_KEYS, path);
      assert.deepEqual(page, { id: 'acme-status', name: 'Acme Status', url: 'https://acme.example/status/', time_zone: 'UTC', updated_at: '2024-06-15T12:00:00Z' });
    }
  });

  it('the same model gives the same bytes; input order does not matter', () => {
    const a = renderApi(makeModel(fixtures(), { now: NOW, config: BASE }));
    const b = renderApi(makeModel([...fixtures()].reverse(), { now: NOW, config: BASE }));
    assert.deepEqual(b, a);
  });
});

describe('status.json', () => {
  it('critical outage → critical', () => {
    assert.deepEqual(render().get('api/v2/status.json').status, { indicator: 'critical', description: 'Major Service Outage' });
  });
  it('maintenance only → maintenance, as Statuspage itself reports it', () => {
    const api = render(fixtures().filter((i) => i.id !== 'outage'));
    assert.deepEqual(api.get('api/v2/status.json').status, { indicator: 'maintenance', description: 'Service Under Maintenance' });
  });
  it('nothing going on → none', () => {
    assert.deepEqual(render([]).get('api/v2/status.json').status, { indicator: 'none', description: 'All Systems Operational' });
  });
});

describe('components.json', () => {
  it('groups are components with group: true; members point at them', () => {
    const { components } = render().get('api/v2/components.json');
    assert.deepEqual(components.map((c: any) => c.id), ['group-core', 'api', 'db', 'website']);
    for (const c of components) {
      assert.deepEqual(keys(c).filter((k) => k !== 'components'), COMPONENT_KEYS, c.id);
      assert.ok((COMPONENT_STATUSES as readonly string[]).includes(c.status), c.status);
      assert.match(c.created_at, ISO);
      assert.match(c.updated_at, ISO);
      assert.ok(c.updated_at <= '2024-06-15T12:00:00Z' && c.created_at <= c.updated_at, c.id);
      assert.equal(c.page_id, 'acme-status');
    }
    const [group, api, db, website] = components;
    assert.equal(group.group, true);
    assert.deepEqual(group.components, ['api', 'db']);
    assert.equal(group.status, 'major_outage', 'a group shows its worst member');
    assert.equal(api.group_id, 'group-core');
    assert.equal(api.status, 'major_outage');
    assert.equal(db.status, 'under_maintenance');
    assert.equal(website.group_id, null);
    assert.equal(website.group, false);
    assert.equal(website.status, 'operational');
    assert.deepEqual(components.map((c: any) => c.position), [1, 2, 3, 4]);
  });

  it('group ids never collide with service ids; since → start_date', () => {
    const { components } = render([], {
      services: [
        { id: 'group-core', name: 'Odd', group: 'Core', since: '2024-01-02' },
        { id: 'b', name: 'B', group: 'Cöre' },
      ],
    }).get('api/v2/components.json');
    assert.deepEqual(components.map((c: any) => c.id), ['group-core-2', 'group-core', 'group-core-3', 'b']);
    assert.equal(components[1].group_id, 'group-core-2');
    assert.equal(components[1].start_date, '2024-01-02');
    assert.equal(components[1].created_at, '2024-01-02T00:00:00Z');
    assert.equal(components[3].group_id, 'group-core-3');
  });
});

describe('incidents', () => {
  it('incidents.json: Statuspage fields and value sets, no maintenance', () => {
    const { incidents } = render().get('api/v2/incidents.json');
    assert.deepEqual(incidents.map((i: any) => i.id), ['outage', 'fyi', 'past']);
    for (const i of incidents) {
      assert.deepEqual(keys(i), INCIDENT_KEYS, i.id);
      assert.ok((INCIDENT_STATUSES as readonly string[]).includes(i.status), i.status);
      assert.ok(['none', 'minor', 'major', 'critical'].includes(i.impact), i.impact);
      for (const u of i.incident_updates) {
        for (const k of UPDATE_KEYS) assert.ok(k in u, `${i.id} update has ${k}`);
        assert.equal(u.incident_id, i.id);
      }
      for (const c of i.components) assert.deepEqual(keys(c), COMPONENT_KEYS);
    }
    const [outage, fyi, past] = incidents;
    assert.equal(outage.name, HOSTILE, 'title intact through JSON');
    assert.equal(outage.impact, 'critical');
    assert.equal(outage.status, 'identified');
    assert.equal(outage.resolved_at, null);
    assert.equal(outage.started_at, '2024-06-15T10:00:00Z');
    assert.equal(outage.created_at, '2024-06-15T10:00:00Z');
    assert.equal(outage.shortlink, 'https://acme.example/status/incidents/outage/');
    assert.deepEqual(outage.incident_updates.map((u: any) => [u.id, u.status, u.body]), [
      ['outage-1', 'identified', 'Found it <b>'],
      ['outage-0', 'investigating', 'Looking into it'],
    ]);
    assert.deepEqual(outage.components.map((c: any) => c.id), ['api']);
    assert.equal(fyi.impact, 'none', 'notice → none');
    assert.equal(fyi.incident_updates.length, 1, 'an incident without updates gets one from its summary');
    assert.equal(fyi.incident_updates[0].body, 'Summary of fyi.');
    assert.equal(fyi.incident_updates[0].status, 'resolved');
    assert.equal(past.impact, 'major');
    assert.equal(past.status, 'resolved');
    assert.equal(past.resolved_at, '2024-06-10T11:00:00Z');
    assert.equal(past.monitoring_at, '2024-06-10T10:30:00Z');
    assert.equal(past.updated_at, '2024-06-10T11:00:00Z');
    assert.deepEqual(past.components.map((c: any) => c.id), ['db', 'website']);
  });

  it('unresolved.json holds only ongoing incidents; summary.json the same', () => {
    const api = render();
    const unresolved = api.get('api/v2/incidents/unresolved.json').incidents;
    assert.deepEqual(unresolved.map((i: any) => i.id), ['outage']);
    for (const i of unresolved) assert.ok(['investigating', 'identified', 'monitoring'].includes(i.status));
    assert.deepEqual(api.get('api/v2/summary.json').incidents, unresolved);
  });

  it('scheduled maintenances: upcoming, active, all; with scheduled_for / scheduled_until', () => {
    const api = render();
    const all = api.get('api/v2/scheduled-maintenances.json').scheduled_maintenances;
    assert.deepEqual(all.map((m: any) => m.id), ['mt-next', 'mt-now', 'mt-done']);
    for (const m of all) {
      for (const k of [...INCIDENT_KEYS, 'scheduled_for', 'scheduled_until']) assert.ok(k in m, `${m.id} has ${k}`);
      assert.ok((MAINTENANCE_STATUSES as readonly string[]).includes(m.status), m.status);
      assert.equal(m.impact, 'maintenance');
      assert.ok(m.created_at <= '2024-06-15T12:00:00Z', 'created in the past');
    }
    assert.deepEqual(all.map((m: any) => m.status), ['scheduled', 'in_progress', 'completed']);
    assert.equal(all[0].scheduled_for, '2024-06-20T02:00:00Z');
    assert.equal(all[0].scheduled_until, '2024-06-20T04:00:00Z');
    assert.equal(all[0].resolved_at, null);
    assert.equal(all[2].resolved_at, '2024-06-01T04:00:00Z');
    const upcoming = api.get('api/v2/scheduled-maintenances/upcoming.json').scheduled_maintenances;
    const active = api.get('api/v2/scheduled-maintenances/active.json').scheduled_maintenances;
    assert.deepEqual(upcoming.map((m: any) => m.id), ['mt-next']);
    assert.deepEqual(active.map((m: any) => m.id), ['mt-now']);
    assert.deepEqual(api.get('api/v2/summary.json').scheduled_maintenances.map((m: any) => m.id), ['mt-now', 'mt-next']);
  });

  it('summary.json has page, components, incidents, scheduled_maintenances, status', () => {
    const summary = render().get('api/v2/summary.json');
    assert.deepEqual(keys(summary).sort(), ['components', 'incidents', 'page', 'scheduled_maintenances', 'status']);
    assert.equal(summary.components.length, 4);
  });

  it('without base_url, links are root-relative under the base path', () => {
    const api = render(fixtures(), {});
    assert.equal(api.get('api/v2/status.json').page.url, '/');
    assert.equal(api.get('api/v2/incidents.json').incidents[0].shortlink, '/incidents/outage/');
  });
});

describe('our own API', () => {
  it('api/incidents.json: every field, normalized, with derived figures', () => {
    const { generated_at, page, pages, total, next, incidents } = render().get('api/incidents.json');
    assert.equal(generated_at, '2024-06-15T12:00:00Z');
    assert.deepEqual([page, pages, total, next], [1, 1, 6, null]);
    assert.deepEqual(incidents.map((i: any) => i.id), ['mt-next', 'mt-now', 'outage', 'fyi', 'past', 'mt-done']);
    const past = incidents.find((i: any) => i.id === 'past');
    assert.deepEqual(past, {
      id: 'past',
      url: 'https://acme.example/status/incidents/past/',
      path: 'incidents/past/',
      file: 'incidents/past.md',
      title: 'Incident past',
      summary: 'Summary of past.',
      severity: 'major',
      status: 'resolved',
      ongoing: false,
      upcoming: false,
      maintenance: false,
      draft: false,
      started: '2024-06-10T10:00:00Z',
      detected: '2024-06-10T10:05:00Z',
      mitigated: '2024-06-10T10:30:00Z',
      resolved: '2024-06-10T11:00:00Z',
      detection: null,
      updated: '2024-06-10T11:00:00Z',
      duration_ms: 3_600_000,
      time_to_detect_ms: 300_000,
      time_to_mitigate_ms: 1_800_000,
      services: [
        { id: 'db', name: 'Database', impact: 'partial_outage' },
        { id: 'website', name: 'Website', impact: 'partial_outage' },
      ],
      timeline: [
        { at: '2024-06-10T10:05:00Z', text: 'Investigating', status: 'investigating' },
        { at: '2024-06-10T10:30:00Z', text: 'Monitoring', status: 'monitoring' },
        { at: '2024-06-10T11:00:00Z', text: 'Resolved', status: 'resolved' },
      ],
      root_cause: 'A *bad* deploy',
      contributing_factors: ['no canary'],
      actions: [{ title: 'Add alert', status: 'open', owner: 'ops', due: '2024-07-01', priority: 'high', kind: 'detect', link: null, closed: null }],
      tags: ['deploy'],
      authors: ['Ana'],
      timezone: 'UTC',
      body: '',
      previous_id: 'mt-done',
      next_id: 'fyi',
    });
    const outage = incidents.find((i: any) => i.id === 'outage');
    assert.equal(outage.title, HOSTILE);
    assert.equal(outage.resolved, null);
    assert.equal(outage.ongoing, true);
    assert.equal(outage.duration_ms, 2 * 3_600_000);
  });

  it('api/services.json: status, uptime, one bucket per day, monthly', () => {
    const { services, uptime_days, overall } = render(fixtures(), { ...BASE, uptimeDays: 7 }).get('api/services.json');
    assert.equal(uptime_days, 7);
    assert.deepEqual(overall, { status: 'major_outage', indicator: 'critical', description: 'Major Service Outage' });
    const api = services.find((s: any) => s.id === 'api');
    assert.equal(api.status, 'major_outage');
    assert.equal(api.url, 'https://acme.example/status/services/api/');
    assert.equal(api.days.length, 7);
    assert.deepEqual(api.days[6], { date: '2024-06-15', downtime_minutes: 120, worst: 'major_outage', incidents: ['outage'] });
    assert.equal(api.monthly.length, 12);
    assert.deepEqual(keys(api.monthly[0]), ['month', 'uptime_percent', 'downtime_minutes']);
    assert.ok(api.uptime_percent > 98 && api.uptime_percent < 100);
    const db = services.find((s: any) => s.id === 'db');
    assert.equal(db.status, 'under_maintenance');
    assert.deepEqual(db.days.find((d: any) => d.date === '2024-06-10'), { date: '2024-06-10', downtime_minutes: 18, worst: 'partial_outage', incidents: ['past'] });
    assert.equal(db.group, 'Core');
    assert.deepEqual(db.incidents, ['mt-next', 'mt-now', 'past', 'mt-done']);
  });
});

describe('our own API is paginated and linear in size', () => {
  /** `n` resolved incidents, one a day, newest first in the model; a few with two per day. */
  function many(n: number): Incident[] {
    const start = T('2020-01-01T00:00:00Z');
    return Array.from({ length: n }, (_, k) => {
      const at = start + Math.floor(k * 0.9) * DAY + (k % 3) * 3_600_000;
      return makeIncident({
        id: `incident-${String(k).padStart(4, '0')}`,
        severity: k % 7 === 0 ? 'maintenance' : k % 2 === 0 ? 'major' : 'minor',
        started: new Date(at).toISOString(),
        resolved: new Date(at + 1_800_000).toISOString(),
        services: [k % 2 === 0 ? 'api' : 'db'],
      });
    });
  }
  const NOW_MANY = '2024-06-15T12:00:00Z';
  const renderRaw = (incidents: Incident[], config: Parameters<typeof makeModel>[1]['config'] = BASE) =>
    renderApi(makeModel(incidents, { now: NOW_MANY, config }));
  const parse = (files: OutputFile[]) => new Map(files.map((f) => [f.path, JSON.parse(f.content as string)]));

  it('relative links resolve from the file that holds them', () => {
    const cases: [string, string][] = [
      ['api/incidents.json', 'api/incidents/page/2.json'],
      ['api/incidents/page/2.json', 'api/incidents.json'],
      ['api/incidents/page/2.json', 'api/incidents/page/3.json'],
      ['api/incidents/page/10.json', 'api/incidents/page/9.json'],
    ];
    for (const [from, to] of cases) {
      const link = relativeLink(from, to);
      assert.doesNotMatch(link, /^\//, link);
      assert.equal(new URL(link, `https://x.example/status/${from}`).href, `https://x.example/status/${to}`, `${from} → ${to}`);
    }
    assert.equal(relativeLink('api/incidents.json', 'api/incidents/page/2.json'), 'incidents/page/2.json');
    assert.equal(relativeLink('api/incidents/page/2.json', 'api/incidents.json'), '../../incidents.json');
    assert.equal(relativeLink('api/incidents/page/2.json', 'api/incidents/page/3.json'), '3.json');
  });

  it('pages of 100, newest first, linked by prev/next, every incident exactly once', () => {
    const N = 2 * API_PER_PAGE + 37;
    const files = renderRaw(many(N));
    const api = parse(files);
    const model = makeModel(many(N), { now: NOW_MANY, config: BASE });
    assert.equal(API_PER_PAGE, 100);
    assert.deepEqual(
      [...api.keys()].filter((p) => /^api\/incidents(\.json|\/page\/)/.test(p)),
      ['api/incidents.json', 'api/incidents/page/2.json', 'api/incidents/page/3.json'],
    );
    // Walk the chain from page 1 the way a client would, resolving each link against the file's URL.
    const site = 'https://acme.example/status/';
    let path: string | null = 'api/incidents.json';
    const seen: string[] = [];
    const visited: string[] = [];
    let prevPath: string | null = null;
    while (path !== null) {
      const page = api.get(path);
      assert.ok(page, `${path} is generated`);
      visited.push(path);
      assert.deepEqual(Object.keys(page), ['generated_at', 'page', 'per_page', 'total', 'pages', 'prev', 'next', 'incidents'], path);
      assert.equal(page.generated_at, NOW_MANY);
      assert.equal(page.page, visited.length);
      assert.equal(page.per_page, 100);
      assert.equal(page.total, N);
      assert.equal(page.pages, 3);
      assert.equal(page.incidents.length, page.page < 3 ? 100 : 37, path);
      if (prevPath === null) assert.equal(page.prev, null);
      else assert.equal(new URL(page.prev, site + path).href, site + prevPath, `${path} prev`);
      seen.push(...page.incidents.map((i: any) => i.id));
      prevPath = path;
      path = page.next === null ? null : new URL(page.next, site + path).href.slice(site.length);
    }
    assert.deepEqual(visited, ['api/incidents.json', 'api/incidents/page/2.json', 'api/incidents/page/3.json']);
    assert.equal(seen.length, N);
    assert.equal(new Set(seen).size, N, 'no incident twice');
    assert.deepEqual(seen, model.incidents.map((i) => i.id), 'in the order of the model, newest first');
    // Same record shape as incidentRecord, on every page.
    const third = api.get('api/incidents/page/3.json').incidents;
    const last = model.incidents[N - 1]!;
    assert.deepEqual(third[third.length - 1], JSON.parse(JSON.stringify(incidentRecord(model, last))));
  });

  it('exactly 100 incidents make one page; none make one empty page', () => {
    const full = parse(renderRaw(many(100)));
    const one = full.get('api/incidents.json');
    assert.equal(one.incidents.length, 100);
    assert.deepEqual([one.page, one.pages, one.total, one.prev, one.next], [1, 1, 100, null, null]);
    assert.ok(![...full.keys()].some((p) => p.startsWith('api/incidents/page/')));
    const next = parse(renderRaw(many(101))).get('api/incidents.json');
    assert.deepEqual([next.pages, next.next], [2, 'incidents/page/2.json']);
    const empty = parse(renderRaw([])).get('api/incidents.json');
    assert.deepEqual(empty, { generated_at: NOW_MANY, page: 1, per_page: 100, total: 0, pages: 1, prev: null, next: null, incidents: [] });
    assert.deepEqual(parse(renderRaw([])).get('api/incidents/_index.json').incidents, []);
  });

  it('one file per incident with its full record, and a compact index of all', () => {
    const N = 150;
    const api = parse(renderRaw(many(N)));
    const model = makeModel(many(N), { now: NOW_MANY, config: BASE });
    const records = [...api.keys()].filter((p) => /^api\/incidents\/[a-z0-9][^/]*\.json$/.test(p));
    assert.equal(records.length, N);
    for (const incident of model.incidents) {
      const record = api.get(`api/incidents/${incident.id}.json`);
      assert.ok(record, incident.id);
      assert.deepEqual(record, JSON.parse(JSON.stringify(incidentRecord(model, incident))));
    }
    const index = api.get('api/incidents/_index.json');
    assert.deepEqual(Object.keys(index), ['generated_at', 'total', 'incidents']);
    assert.equal(index.total, N);
    assert.deepEqual(index.incidents.map((i: any) => i.id), model.incidents.map((i) => i.id));
    const first = index.incidents[0];
    assert.deepEqual(Object.keys(first), ['id', 'title', 'severity', 'status', 'started_at', 'resolved_at', 'url']);
    const m = model.incidents[0]!;
    assert.deepEqual(first, {
      id: m.id,
      title: m.title,
      severity: m.severity,
      status: m.status,
      started_at: new Date(m.started).toISOString().replace('.000Z', 'Z'),
      resolved_at: new Date(m.resolved!).toISOString().replace('.000Z', 'Z'),
      url: `https://acme.example/status/incidents/${m.id}/`,
    });
    for (const entry of index.incidents) {
      assert.match(entry.started_at, ISO);
      assert.ok(JSON.stringify(entry).length < 400, 'compact');
    }
  });

  it('no file grows with the history: every file but the index is bounded, the index is linear', () => {
    const size = (n: number) => {
      const files = renderRaw(many(n));
      const byPath = new Map(files.map((f) => [f.path, Buffer.byteLength(f.content as string)]));
      const largestPage = Math.max(...[...byPath].filter(([p]) => /^api\/incidents(\.json|\/page\/)/.test(p)).map(([, b]) => b));
      return { largestPage, index: byPath.get('api/incidents/_index.json')!, total: [...byPath.values()].reduce((a, b) => a + b, 0) };
    };
    const small = size(300);
    const large = size(1200);
    // A page holds 100 records whatever the history; allow for longer numbers in ids and dates.
    assert.ok(large.largestPage < small.largestPage * 1.1, `${large.largestPage} vs ${small.largestPage}`);
    assert.ok(large.index < small.index * 4.2, `index ${large.index} vs ${small.index}`);
    assert.ok(large.total < small.total * 4.2, `total ${large.total} vs ${small.total}`);
  });

  it('an incident with id "index" has its own file and the compact index keeps its path', () => {
    const incidents = [...fixtures(), makeIncident({ id: 'index', started: '2024-06-05T10:00:00Z', resolved: '2024-06-05T11:00:00Z' })];
    const files = renderRaw(incidents);
    const paths = files.map((f) => f.path);
    assert.equal(new Set(paths).size, paths.length, 'no path twice');
    const api = parse(files);
    assert.deepEqual(Object.keys(api.get('api/incidents/_index.json')), ['generated_at', 'total', 'incidents']);
    assert.ok(api.get('api/incidents.json').incidents.some((i: any) => i.id === 'index'));
    assert.equal(api.get('api/incidents/index.json').id, 'index');
  });

  it('deterministic: the same model gives the same files, byte for byte, in the same order', () => {
    const a = renderRaw(many(250));
    const b = renderRaw(many(250));
    assert.deepEqual(a.map((f) => f.path), b.map((f) => f.path));
    assert.deepEqual(a.map((f) => f.content), b.map((f) => f.content));
    const paths = a.map((f) => f.path);
    assert.equal(new Set(paths).size, paths.length, 'no path twice');
    for (const f of a) assert.ok((f.content as string).endsWith('}\n'), f.path);
  });
});

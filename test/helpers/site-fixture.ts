/**
 * A SiteModel built by hand (independent of site.ts) for the renderer's tests:
 * an ongoing incident, resolved ones, maintenance in progress and upcoming, a service group,
 * a hostile incident whose strings try to inject markup, and a long generated history.
 */
import type { ActionView, DayBucket, IncidentView, ServiceView, SiteModel } from '../../src/site/index.js';
import type { Incident, ServiceConfig, SiteConfig, TimelineEntry, TimelineStatus } from '../../src/core/index.js';
import { IMPACTS } from '../../src/core/index.js';

const DAY = 86_400_000;
export const NOW = Date.parse('2024-06-15T12:00:00Z');
export const HOSTILE_TITLE = '<script>alert(1)</script> "quoted" & \'single\'';

const t = (s: string) => Date.parse(s);

export interface FixtureOptions {
  baseUrl?: string;
  basePath?: string;
  uptimeDays?: number;
}

type IncidentInput = Partial<Incident> & Pick<Incident, 'id' | 'title' | 'severity' | 'started' | 'services'> & {
  status?: TimelineStatus;
  bodyHtml?: string;
  rootCauseHtml?: string;
};

function view(inp: IncidentInput, now: number): IncidentView {
  const timeline: TimelineEntry[] = inp.timeline ?? [];
  const isMaintenance = inp.severity === 'maintenance';
  const upcoming = isMaintenance && inp.started > now;
  const ongoing = isMaintenance ? inp.started <= now && (inp.resolved === undefined || now < inp.resolved) : inp.resolved === undefined;
  const lastStatus = [...timeline].reverse().find((e) => e.status)?.status;
  const status: TimelineStatus =
    inp.status ??
    lastStatus ??
    (isMaintenance ? (upcoming ? 'scheduled' : ongoing ? 'in_progress' : 'completed') : ongoing ? 'investigating' : 'resolved');
  const end = inp.resolved ?? (ongoing ? now : undefined);
  return {
    file: `incidents/${inp.id}.md`,
    summary: `Summary of ${inp.title}`,
    contributingFactors: [],
    actions: [],
    links: [],
    tags: [],
    authors: [],
    timezone: 'UTC',
    draft: false,
    body: '',
    bodyLine: 10,
    ...inp,
    timeline,
    status,
    ongoing,
    upcoming,
    isMaintenance,
    durationMs: end === undefined ? null : end - inp.started,
    timeToDetectMs: inp.detected === undefined ? null : inp.detected - inp.started,
    timeToMitigateMs: inp.mitigated === undefined ? null : inp.mitigated - inp.started,
    path: `incidents/${inp.id}/`,
    bodyHtml: inp.bodyHtml ?? '',
    rootCauseHtml: inp.rootCauseHtml ?? '',
    // Stand-in for the Markdown renderer: the fixture's timeline texts are plain words, wrapped in <p>.
    timelineHtml: timeline.map((e) => `<p>${e.text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`),
    updates: timeline.filter((e) => e.status).reverse(),
    phases: null,
    prevId: null,
    nextId: null,
    impact: inp.services.reduce<IncidentView['impact']>((w, s) => (s.impact !== null && (w === null || IMPACTS.indexOf(s.impact) < IMPACTS.indexOf(w)) ? s.impact : w), null),
    lang: inp.language ?? 'en',
  };
}

function days(count: number, now: number, marks: Record<string, Partial<DayBucket>>, since?: string): DayBucket[] {
  const out: DayBucket[] = [];
  const today = Math.floor(now / DAY) * DAY;
  for (let i = count - 1; i >= 0; i--) {
    const date = new Date(today - i * DAY).toISOString().slice(0, 10);
    const before = since !== undefined && date < since;
    out.push({ date, downtimeMinutes: 0, worst: before ? null : 'operational', incidents: [], ...(before ? {} : marks[date]) });
  }
  return out;
}

/** Links incidents (newest started first), prev/next, services, tags and actions like site.ts would. */
export function assemble(config: SiteConfig, now: number, incidents: IncidentView[], serviceDays: Record<string, DayBucket[]>, overall: SiteModel['overall'], extra: { uptime?: Record<string, number | null> } = {}): SiteModel {
  incidents.sort((a, b) => b.started - a.started || (a.id < b.id ? -1 : 1));
  incidents.forEach((inc, i) => {
    inc.nextId = incidents[i - 1]?.id ?? null;
    inc.prevId = incidents[i + 1]?.id ?? null;
  });
  const statusOf = (id: string) => {
    const order = ['major_outage', 'partial_outage', 'degraded_performance', 'under_maintenance'] as const;
    let worst = 'operational' as ServiceView['status'];
    for (const inc of incidents) {
      if (!inc.ongoing) continue;
      for (const s of inc.services) {
        if (s.id === id && s.impact && (worst === 'operational' || order.indexOf(s.impact) < order.indexOf(worst as (typeof order)[number]))) worst = s.impact;
      }
    }
    return worst;
  };
  const services: ServiceView[] = config.services.map((s: ServiceConfig) => ({
    ...s,
    status: statusOf(s.id),
    uptimePercent: extra.uptime?.[s.id] !== undefined ? extra.uptime[s.id]! : 99.95,
    days: serviceDays[s.id] ?? days(config.uptimeDays, now, {}),
    monthly: Array.from({ length: 12 }, (_, i) => {
      const d = new Date(Date.UTC(2024, 5 - 11 + i, 1));
      return { month: d.toISOString().slice(0, 7), uptimePercent: i < 2 ? null : 100 - i * 0.01, downtimeMinutes: i < 2 ? 0 : i * 4 };
    }),
    yearly: [
      { year: '2023', uptimePercent: 99.99, downtimeMinutes: 52 },
      { year: '2024', uptimePercent: 99.9, downtimeMinutes: 262 },
    ],
    incidentIds: incidents.filter((inc) => inc.services.some((x) => x.id === s.id)).map((inc) => inc.id),
  }));
  const groups: SiteModel['groups'] = [];
  for (const s of services) {
    const name = s.group ?? null;
    const g = groups.find((x) => x.name === name);
    if (g) g.services.push(s);
    else groups.push({ name, services: [s] });
  }
  const tags = new Map<string, string[]>();
  for (const inc of incidents) for (const tag of inc.tags) tags.set(tag, [...(tags.get(tag) ?? []), inc.id]);
  const sortedTags = new Map([...tags].sort(([a], [b]) => (a < b ? -1 : 1)));
  const today = new Date(now).toISOString().slice(0, 10);
  const actions: ActionView[] = incidents.flatMap((inc) =>
    inc.actions.map((a) => ({ ...a, incidentId: inc.id, incidentTitle: inc.title, overdue: (a.status === 'open' || a.status === 'in_progress') && !!a.due && a.due < today })),
  );
  const open = (a: ActionView) => a.status === 'open' || a.status === 'in_progress';
  actions.sort((a, b) => Number(open(b)) - Number(open(a)) || Number(b.overdue) - Number(a.overdue));
  return {
    config,
    now,
    overall,
    services,
    groups,
    incidents,
    byId: new Map(incidents.map((i) => [i.id, i])),
    active: incidents.filter((i) => i.ongoing && !i.isMaintenance),
    maintenanceActive: incidents.filter((i) => i.ongoing && i.isMaintenance),
    maintenanceUpcoming: incidents.filter((i) => i.upcoming).reverse(),
    recent: incidents.filter((i) => !i.isMaintenance && !i.ongoing && now - i.started < 14 * DAY),
    past: incidents.filter((i) => !i.upcoming),
    media: new Map(),
    tags: sortedTags,
    actions,
  };
}

export function siteConfig(opts: FixtureOptions = {}): SiteConfig {
  return {
    title: 'Acme Status',
    description: 'Live status and postmortems of Acme Cloud',
    baseUrl: 'baseUrl' in opts ? opts.baseUrl : 'https://acme.github.io/status/',
    basePath: opts.basePath ?? '/status/',
    timezone: 'UTC',
    uptimeDays: opts.uptimeDays ?? 90,
    services: [
      { id: 'api', name: 'API', group: 'Core platform', description: 'REST and GraphQL endpoints' },
      { id: 'website', name: 'Website', group: 'Core platform' },
      { id: 'database', name: 'Managed databases', group: 'Core platform', since: '2024-04-01' },
      { id: 'docs', name: 'Documentation' },
    ],
  };
}

/** The main fixture: now = 2024-06-15 12:00 UTC. */
export function siteFixture(opts: FixtureOptions = {}): SiteModel {
  const config = siteConfig(opts);
  const now = NOW;
  const incidents: IncidentView[] = [
    view(
      {
        id: '2024-06-15-api-errors',
        title: 'Elevated API error rates',
        severity: 'critical',
        started: t('2024-06-15T09:30:00Z'),
        detected: t('2024-06-15T09:42:00Z'),
        services: [
          { id: 'api', impact: 'major_outage' },
          { id: 'website', impact: 'partial_outage' },
        ],
        timeline: [
          { at: t('2024-06-15T09:42:00Z'), text: 'We are investigating elevated error rates.', status: 'investigating' },
          { at: t('2024-06-15T10:15:00Z'), text: 'A bad deploy of the gateway is the cause; rolling back.', status: 'identified' },
        ],
        tags: ['deploy', 'gateway'],
      },
      now,
    ),
    view(
      {
        id: '2024-06-15-db-maintenance',
        title: 'Database engine upgrade',
        severity: 'maintenance',
        started: t('2024-06-15T11:00:00Z'),
        resolved: t('2024-06-15T13:00:00Z'),
        services: [{ id: 'database', impact: 'under_maintenance' }],
        timeline: [{ at: t('2024-06-15T11:00:00Z'), text: 'Maintenance has begun.', status: 'in_progress' }],
      },
      now,
    ),
    view(
      {
        id: '2024-06-20-network-maintenance',
        title: 'Network switch replacement',
        severity: 'maintenance',
        started: t('2024-06-20T02:00:00Z'),
        resolved: t('2024-06-20T04:00:00Z'),
        services: [{ id: 'website', impact: 'under_maintenance' }],
      },
      now,
    ),
    view(
      {
        id: '2024-06-10-db-failover',
        title: 'Database failover caused slow queries',
        severity: 'minor',
        summary: 'A failover of the primary database left queries slow for four hours.',
        started: t('2024-06-10T14:00:00Z'),
        detected: t('2024-06-10T14:05:00Z'),
        mitigated: t('2024-06-10T14:40:00Z'),
        resolved: t('2024-06-10T18:17:00Z'),
        services: [{ id: 'database', impact: 'degraded_performance' }, { id: 'docs', impact: null }],
        timeline: [
          { at: t('2024-06-10T13:50:00Z'), text: 'Disk latency alert (missed).' },
          { at: t('2024-06-10T14:05:00Z'), text: 'Investigating slow queries.', status: 'investigating' },
          { at: t('2024-06-10T14:40:00Z'), text: 'Read traffic moved to replicas.', status: 'monitoring' },
          { at: t('2024-06-10T18:17:00Z'), text: 'Resolved.', status: 'resolved' },
        ],
        rootCause: 'A disk filled up.',
        rootCauseHtml: '<p>A <strong>disk</strong> on the primary filled up.</p>',
        bodyHtml: '<h2>Impact</h2><p>Queries were slow.</p><h3>Detail</h3><table><thead><tr><th>a</th></tr></thead><tbody><tr><td>b</td></tr></tbody></table><h2>Lessons</h2><pre><code>df -h</code></pre>',
        contributingFactors: ['No alert on disk usage', 'Failover runbook was outdated'],
        actions: [
          { title: 'Alert on disk usage above 80 %', status: 'open', owner: 'sre-team', due: '2024-06-01', priority: 'high', kind: 'detect', link: 'https://tracker.example.com/T-1' },
          { title: 'Update the failover runbook', status: 'in_progress', owner: 'db-team', due: '2024-07-01', priority: 'medium', kind: 'process' },
          { title: 'Evil link action', status: 'done', link: 'javascript:alert(1)' },
        ],
        tags: ['database'],
        authors: ['Dana Scully', 'Fox Mulder'],
      },
      now,
    ),
    view(
      {
        id: '2024-03-02-hostile',
        title: HOSTILE_TITLE,
        summary: 'Summary with <img src=x onerror=alert(1)> and "quotes"',
        severity: 'major',
        started: t('2024-03-02T08:00:00Z'),
        resolved: t('2024-03-02T09:00:00Z'),
        services: [{ id: 'api', impact: 'partial_outage' }],
        contributingFactors: ['<b>bold?</b>'],
        actions: [{ title: '<a href="javascript:alert(1)">x</a>', status: 'open', owner: '"><script>alert(2)</script>', link: 'JavaScript:alert(3)' }],
        authors: ['<i>Mallory</i>'],
        tags: ['security'],
      },
      now,
    ),
    view(
      {
        id: '2023-11-05-dns-outage',
        title: 'DNS outage',
        severity: 'critical',
        started: t('2023-11-05T22:30:00Z'),
        resolved: t('2023-11-06T01:00:00Z'),
        services: [{ id: 'website', impact: 'major_outage' }, { id: 'api', impact: 'major_outage' }],
        tags: ['dns'],
      },
      now,
    ),
  ];
  const n = config.uptimeDays;
  const serviceDays = {
    api: days(n, now, {
      '2024-03-02': { downtimeMinutes: 18, worst: 'partial_outage', incidents: ['2024-03-02-hostile'] },
      '2024-06-15': { downtimeMinutes: 150, worst: 'major_outage', incidents: ['2024-06-15-api-errors'] },
    }),
    website: days(n, now, { '2024-06-15': { downtimeMinutes: 45, worst: 'partial_outage', incidents: ['2024-06-15-api-errors'] } }),
    database: days(n, now, {
      '2024-06-10': { downtimeMinutes: 0, worst: 'degraded_performance', incidents: ['2024-06-10-db-failover'] },
      '2024-06-15': { downtimeMinutes: 0, worst: 'under_maintenance', incidents: ['2024-06-15-db-maintenance'] },
    }, '2024-04-01'),
  };
  return assemble(config, now, incidents, serviceDays, { status: 'major_outage', indicator: 'critical', description: 'Major Service Outage' }, { uptime: { api: 99.84, website: 99.97, database: 99.991, docs: 100 } });
}

/** A quiet site: nothing ongoing, nothing scheduled. */
export function quietFixture(opts: FixtureOptions = {}): SiteModel {
  const config = siteConfig(opts);
  const incidents = [
    view({ id: '2024-01-10-blip', title: 'Short blip', severity: 'minor', started: t('2024-01-10T10:00:00Z'), resolved: t('2024-01-10T10:20:00Z'), services: [{ id: 'api', impact: 'degraded_performance' }] }, NOW),
  ];
  return assemble(config, NOW, incidents, {}, { status: 'operational', indicator: 'none', description: 'All Systems Operational' });
}

/** `count` resolved incidents spread over the years before NOW (for pagination and speed). */
export function bigFixture(count: number, opts: FixtureOptions = {}): SiteModel {
  const config = siteConfig(opts);
  const incidents: IncidentView[] = [];
  const step = Math.floor((6 * 365 * DAY) / count);
  const sev = ['critical', 'major', 'minor', 'notice'] as const;
  for (let i = 0; i < count; i++) {
    const started = NOW - DAY - i * step;
    const id = `${new Date(started).toISOString().slice(0, 10)}-incident-${i}`;
    incidents.push(
      view(
        {
          id,
          title: `Incident number ${i}`,
          severity: sev[i % 4]!,
          started,
          detected: started + 5 * 60_000,
          resolved: started + (30 + (i % 300)) * 60_000,
          services: [{ id: i % 2 ? 'api' : 'website', impact: i % 4 === 3 ? null : 'partial_outage' }],
          timeline: [
            { at: started + 5 * 60_000, text: 'Investigating.', status: 'investigating' },
            { at: started + 30 * 60_000, text: 'Resolved.', status: 'resolved' },
          ],
          actions: i % 10 === 0 ? [{ title: `Fix ${i}`, status: i % 20 === 0 ? 'done' : 'open', due: '2024-01-01' }] : [],
          tags: i % 3 === 0 ? ['busy'] : [],
          bodyHtml: '<h2>What happened</h2><p>Things.</p>',
        },
        NOW,
      ),
    );
  }
  return assemble(config, NOW, incidents, {}, { status: 'operational', indicator: 'none', description: 'All Systems Operational' });
}

/**
 * A deterministic generator of realistic postmortem projects, for the benchmark (and for tests or scripts
 * that need a big, valid project).
 *
 * - Same `{ incidents, seed }` → the same bytes, always: a seeded PRNG (mulberry32), never Math.random, and a
 *   fixed "now" (BENCH_SOURCE_DATE_EPOCH). Build the result with SOURCE_DATE_EPOCH set to that value: the files
 *   are only valid relative to it (past incidents end before it, maintenance is scheduled after it).
 * - `site.yaml` with 12 services in 4 groups (some with `since`); incidents spread over the 3 years before now,
 *   as `incidents/YYYY/YYYY-MM-DD-slug.md`.
 * - Bodies of 300–3,000 words (skewed towards ~1,000) with headings, lists, task lists, tables, code blocks,
 *   block quotes, links and the odd footnote, in a varying order; frontmatter with timelines and statuses,
 *   root causes, contributing factors, actions (some done, some open, a few overdue), tags and authors; impact
 *   phases on a fifth of the incidents and links on some.
 * - Past maintenance, one maintenance in progress, a few upcoming; a few ongoing incidents.
 * - What is internal (issue 15), chosen from each id so that the rest is what the seed always gave: a `:::internal`
 *   section in one body in ten, responders in one in ten, `visibility: internal` on one in thirty, and a near miss
 *   in one in fifty (of the incidents that change no impact by phases or in `services`).
 * - Every file is valid (`postmortem check` reports no error). The only warnings are the few overdue actions
 *   (about 1 % of incidents), which real projects have too.
 *
 * CLI: `node build/bench/generate.js DIR [--incidents N] [--seed S]` (DIR must not exist or be empty).
 */
import { mkdir, writeFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** "Now" of every generated project and every benchmark build: 2025-06-01T00:00:00Z. */
export const BENCH_SOURCE_DATE_EPOCH = 1_748_736_000;
export const BENCH_NOW_MS = BENCH_SOURCE_DATE_EPOCH * 1000;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEARS = 3;

export interface GenerateOptions {
  /** Number of incident files (maintenance included). */
  incidents: number;
  /** PRNG seed (default 1). */
  seed?: number;
}

export interface GeneratedProject {
  root: string;
  /** Incident files, relative to the root, forward slashes, sorted. */
  files: string[];
  /** Total bytes of the incident files. */
  bytes: number;
  /** Total words of the Markdown bodies. */
  words: number;
  /** How many files of each kind. */
  kinds: Record<IncidentKind, number>;
  /** Overdue open actions written (each is one `overdue-action` warning). */
  overdueActions: number;
  /** SOURCE_DATE_EPOCH the project is valid for. */
  sourceDateEpoch: number;
  /** How many files have each kind of internal part (issue 15). */
  internal: { sections: number; responders: number; incidents: number; nearMisses: number };
}

export type IncidentKind = 'past' | 'past-maintenance' | 'ongoing' | 'maintenance-in-progress' | 'maintenance-upcoming' | 'draft';

// ---------------------------------------------------------------------------------------------
// PRNG

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    // Mix the seed so that seeds 1, 2, 3 … give unrelated streams.
    let h = (seed ^ 0x9e3779b9) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    this.state = (h ^ (h >>> 16)) >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** `n` distinct items (order random). */
  sample<T>(items: readonly T[], n: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, Math.min(n, copy.length));
  }
  weighted<T>(pairs: readonly (readonly [T, number])[]): T {
    const total = pairs.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of pairs) {
      r -= w;
      if (r < 0) return v;
    }
    return pairs[pairs.length - 1]![0];
  }
  /** Log-normal with the given median; `spread` is sigma. */
  logNormal(median: number, spread: number): number {
    const u = Math.max(1e-12, this.next());
    const v = this.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(spread * z);
  }
}

// ---------------------------------------------------------------------------------------------
// The site

interface ServiceDef {
  id: string;
  name: string;
  group: string;
  description: string;
  since?: string;
  /** How often it is affected, relative. */
  weight: number;
}

export const SERVICES: readonly ServiceDef[] = [
  { id: 'api', name: 'Public API', group: 'Platform', description: 'The REST and GraphQL API used by customer integrations.', weight: 10 },
  { id: 'web-app', name: 'Web application', group: 'Platform', description: 'The dashboard at app.example.com.', weight: 8 },
  { id: 'auth', name: 'Sign-in and SSO', group: 'Platform', description: 'Password, SAML and OIDC sign-in.', since: '2019-03-01', weight: 4 },
  { id: 'database', name: 'Primary database', group: 'Data', description: 'The PostgreSQL clusters behind every product.', weight: 6 },
  { id: 'cache', name: 'Cache cluster', group: 'Data', description: 'Redis clusters for sessions and hot data.', weight: 3 },
  { id: 'search', name: 'Search', group: 'Data', description: 'Full-text search over projects and documents.', since: '2023-02-01', weight: 3 },
  { id: 'object-storage', name: 'File storage', group: 'Data', description: 'Uploads, exports and attachments.', weight: 3 },
  { id: 'cdn', name: 'CDN and static assets', group: 'Delivery', description: 'Edge caching of assets and downloads.', weight: 3 },
  { id: 'dns', name: 'DNS', group: 'Delivery', description: 'Authoritative DNS for every customer domain.', weight: 2 },
  { id: 'realtime', name: 'Realtime updates', group: 'Delivery', description: 'WebSocket push of live changes.', since: '2024-01-15', weight: 3 },
  { id: 'billing', name: 'Billing', group: 'Back office', description: 'Invoices, payments and plan changes.', weight: 2 },
  { id: 'notifications', name: 'Email and notifications', group: 'Back office', description: 'Transactional email, webhooks and push notifications.', since: '2022-01-10', weight: 4 },
];

export function siteYaml(): string {
  const lines = [
    '# Generated by bench/generate.ts: a fictional company with three years of incidents.',
    'title: Example Cloud Status',
    'description: Live status, incident history and postmortems of Example Cloud.',
    'base_url: https://status.example.com/',
    'timezone: UTC',
    // Days, months and times of a zone with daylight-saving time: the zone-aware path of the build (issue 17).
    'display_timezone: America/New_York',
    'uptime_days: 90',
    'services:',
  ];
  let group = '';
  for (const s of SERVICES) {
    if (s.group !== group && group !== '') lines.push('');
    group = s.group;
    lines.push(`  - id: ${s.id}`, `    name: ${s.name}`, `    group: ${s.group}`, `    description: ${s.description}`);
    if (s.since) lines.push(`    since: ${s.since}`);
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Words

const WORDS = (
  'the a an of to in on for with from by at after before during while when because so that this these those ' +
  'it its we our they their customers users team engineers on-call responders operators some many most few all ' +
  'request requests response responses error errors rate rates latency timeout timeouts retry retries queue queues ' +
  'worker workers job jobs node nodes host hosts cluster clusters region regions zone zones replica replicas primary ' +
  'leader follower shard shards partition partitions index indexes table tables query queries connection connections ' +
  'pool pools thread threads process processes memory disk cpu network packet packets traffic load balancer balancers ' +
  'proxy proxies gateway certificate certificates token tokens session sessions cache caches key keys value values ' +
  'deploy deploys deployment deployments release releases rollback rollout canary config configuration change changes ' +
  'flag flags feature migration migrations schema version versions upgrade patch dependency dependencies library ' +
  'alert alerts alarm page paged dashboard dashboards metric metrics log logs trace traces signal threshold ' +
  'increased decreased elevated degraded failed failing succeeded recovered restarted drained scaled throttled ' +
  'saturated exhausted blocked stalled delayed dropped rejected retried queued replayed reverted paused resumed ' +
  'quickly slowly gradually briefly partially fully eventually initially later again still already only also ' +
  'not never always usually often rarely about around nearly roughly almost exactly ' +
  'investigated identified confirmed noticed observed suspected found learned decided agreed escalated ' +
  'mitigated resolved monitored verified validated tested reviewed documented tracked ' +
  'incident outage impact symptom cause trigger factor risk gap assumption limit capacity headroom budget ' +
  'backlog burst spike peak baseline trend window minute minutes hour hours day days week ' +
  'service services system systems component components storage database upstream downstream internal external ' +
  'automation runbook playbook procedure process review postmortem follow-up action owner priority ' +
  'small large single multiple several unexpected expected normal abnormal healthy unhealthy stale fresh ' +
  'new old existing previous next first last same different other each every both either ' +
  'and or but if then than as into over under between across through without within per ' +
  'is was were are been being has had have did does could would should might must can will'
).split(' ');

const TECH = [
  'max_connections', 'pgbouncer', 'kubectl rollout undo', 'HTTP 503', 'p99', 'OOMKilled', 'etcd', 'redis-cli',
  'SIGTERM', 'TLS 1.3', 'x-request-id', 'idle_in_transaction', 'retry_budget', 'vacuum', 'autovacuum', 'iptables',
  'HPA', 'readinessProbe', 'nginx', 'envoy', 'gRPC', 'Kafka', 'consumer lag', 'wal_keep_size', 'statement_timeout',
  'CrashLoopBackOff', 'cron', 'terraform apply', 'BGP', 'anycast', 'TTL', 'SERVFAIL', 'ELB', 'S3', 'feature flag',
];

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1'];
const NAMES = [
  'Priya Raman', 'Jonas Weber', 'Amara Okafor', 'Lucas Martin', 'Sofia Rossi', 'Kenji Watanabe', 'Elena Petrova',
  'Mateo Garcia', 'Hannah Schmidt', 'Omar Haddad', 'Chloe Dubois', 'Wei Zhang', 'Aisha Khan', 'Noah Johnson',
  'Ingrid Larsen', 'Tomás Silva', 'Zainab Bello', 'Daniel Cohen', 'Mei Lin', 'Oliver Brown', 'Fatima Zahra',
  'Ravi Patel', 'Sara Nilsson', 'Liam O\'Brien', 'SRE team', 'Platform team', 'Data team',
];
const TEAMS = ['sre', 'platform', 'data', 'networking', 'security', 'billing-eng', 'frontend', 'support'];
const TAGS = [
  'database', 'deploy', 'config', 'capacity', 'network', 'dns', 'tls', 'certificates', 'third-party', 'aws', 'gcp',
  'kubernetes', 'postgres', 'redis', 'kafka', 'queue', 'cache', 'cdn', 'auth', 'sso', 'billing', 'email', 'webhooks',
  'latency', 'errors', 'data-loss', 'security', 'monitoring', 'alerting', 'rollback', 'migration', 'feature-flag',
  'load-balancer', 'rate-limiting', 'cron', 'storage', 'disk', 'memory', 'cpu', 'human-error', 'hardware',
];
const SYMPTOMS = [
  'Elevated error rates', 'Increased latency', 'Partial outage', 'Intermittent timeouts', 'Failed requests',
  'Delayed processing', 'Degraded performance', 'Unavailability', 'Slow page loads', 'Sign-in failures',
  'Stale data', 'Dropped connections', 'Failed deployments', 'Missing notifications', 'Duplicate events',
];
const CAUSES = [
  'a configuration change', 'database connection exhaustion', 'a bad deploy', 'an expired certificate',
  'a failed database failover', 'disk pressure on storage nodes', 'a DNS misconfiguration', 'an upstream provider outage',
  'a runaway background job', 'cache stampede', 'a network partition', 'a memory leak', 'a schema migration',
  'a traffic spike', 'a load balancer misconfiguration', 'an expired API token', 'a kernel upgrade',
];
const MAINT_WORK = [
  'database upgrade to PostgreSQL 16', 'certificate rotation', 'network switch replacement', 'cache cluster resize',
  'storage migration', 'load balancer upgrade', 'DNS provider migration', 'Kubernetes control plane upgrade',
  'billing system upgrade', 'search index rebuild', 'email provider change', 'data center power work',
];
const LINK_HOSTS = [
  'https://docs.example.com/runbooks/', 'https://github.com/example/infra/pull/', 'https://tracker.example.com/browse/OPS-',
  'https://www.postgresql.org/docs/16/', 'https://kubernetes.io/docs/concepts/', 'https://grafana.example.com/d/',
  'https://aws.amazon.com/message/', 'https://blog.example.com/engineering/',
];

// ---------------------------------------------------------------------------------------------
// Text

class Text {
  words = 0;
  constructor(private readonly rng: Rng, private readonly service: ServiceDef) {}

  link(): string {
    const host = this.rng.pick(LINK_HOSTS);
    const label = this.words3();
    return `[${label}](${host}${this.rng.int(100, 99999)})`;
  }

  private words3(): string {
    const n = this.rng.int(2, 4);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.rng.pick(WORDS));
    this.words += n;
    return out.join(' ');
  }

  /** One sentence of 6–24 words with the odd inline markup. */
  sentence(): string {
    const r = this.rng;
    if (r.chance(0.15)) return this.templated();
    const n = r.int(6, 24);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      let w = r.pick(WORDS);
      const m = r.next();
      if (m < 0.025) w = `\`${r.pick(TECH)}\``;
      else if (m < 0.035) w = `**${w}**`;
      else if (m < 0.045) w = `_${w}_`;
      else if (m < 0.05) w = this.link();
      else if (m < 0.052) w = `~~${w}~~`;
      parts.push(w);
      if (i > 2 && i < n - 2 && r.chance(0.08)) parts[parts.length - 1] += ',';
    }
    this.words += n;
    const s = parts.join(' ');
    return `${s.charAt(0).toUpperCase()}${s.slice(1)}${r.chance(0.05) ? '?' : '.'}`;
  }

  private templated(): string {
    const r = this.rng;
    const t = `${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')} UTC`;
    const options = [
      `At ${t} the on-call engineer was paged because the ${r.pick(['p99 latency', 'error rate', 'queue depth', 'saturation'])} of ${this.service.name} crossed its alert threshold.`,
      `Between ${t} and ${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')} UTC roughly ${r.int(2, 60)}% of requests to ${this.service.name} in ${r.pick(REGIONS)} failed or timed out.`,
      `The team rolled back to the previous release and the ${r.pick(['error rate', 'latency', 'queue'])} returned to its baseline within ${r.int(2, 40)} minutes.`,
      `We saw connection counts on the ${r.pick(['primary', 'replica', 'pooler'])} climb from ${r.int(100, 400)} to ${r.int(500, 5000)} in under ${r.int(2, 15)} minutes.`,
      `Customers reported the problem to support about ${r.int(3, 45)} minutes before our own alerting did, which is ${r.pick(['not acceptable', 'a gap we are closing', 'the opposite of what we want'])}.`,
      `The change had passed review and ${r.pick(['staging', 'the canary', 'integration tests'])} because ${r.pick(['traffic there is much lower', 'the flag was off there', 'the data set is tiny'])}.`,
    ];
    const s = r.pick(options);
    this.words += s.split(' ').length;
    return s;
  }

  paragraph(min = 2, max = 6): string {
    const n = this.rng.int(min, max);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.sentence());
    // Wrap like a human editor would, at ~100 columns.
    return wrap(out.join(' '), 100);
  }

  /** A short phrase (a list item, a table cell, an action title). */
  phrase(min = 3, max = 10): string {
    const n = this.rng.int(min, max);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(this.rng.chance(0.05) ? `\`${this.rng.pick(TECH)}\`` : this.rng.pick(WORDS));
    this.words += n;
    const s = parts.join(' ');
    return `${s.charAt(0).toUpperCase()}${s.slice(1)}`;
  }

  bulletList(): string {
    const r = this.rng;
    const ordered = r.chance(0.3);
    const task = !ordered && r.chance(0.15);
    const n = r.int(3, 8);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const marker = ordered ? `${i + 1}.` : '-';
      const box = task ? (r.chance(0.6) ? '[x] ' : '[ ] ') : '';
      lines.push(`${marker} ${box}${r.chance(0.3) ? this.sentence() : this.phrase(4, 14)}`);
      if (!task && r.chance(0.12)) {
        const indent = ordered ? '   ' : '  ';
        for (let j = r.int(1, 3); j > 0; j--) lines.push(`${indent}- ${this.phrase(3, 9)}`);
      }
    }
    return lines.join('\n');
  }

  table(): string {
    const r = this.rng;
    const kind = r.int(0, 2);
    if (kind === 0) {
      const rows = r.int(3, 10);
      const out = ['| Time (UTC) | Event | Who |', '| --- | --- | --- |'];
      let h = r.int(0, 20);
      let m = r.int(0, 59);
      for (let i = 0; i < rows; i++) {
        m += r.int(1, 25);
        h = (h + Math.floor(m / 60)) % 24;
        m %= 60;
        out.push(`| ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')} | ${this.phrase(4, 12)} | ${r.pick(NAMES)} |`);
      }
      return out.join('\n');
    }
    if (kind === 1) {
      const out = ['| Region | Requests | Errors | Error rate | p99 (ms) |', '| :--- | ---: | ---: | ---: | ---: |'];
      for (const region of r.sample(REGIONS, r.int(2, 6))) {
        const req = r.int(10_000, 9_000_000);
        const err = Math.floor(req * r.next() * 0.3);
        out.push(`| ${region} | ${req.toLocaleString('en-US')} | ${err.toLocaleString('en-US')} | ${((100 * err) / req).toFixed(2)} % | ${r.int(80, 30_000)} |`);
      }
      this.words += 20;
      return out.join('\n');
    }
    const cols = r.int(3, 5);
    const header = Array.from({ length: cols }, () => this.phrase(1, 2));
    const out = [`| ${header.join(' | ')} |`, `|${' --- |'.repeat(cols)}`];
    for (let i = r.int(2, 8); i > 0; i--) out.push(`| ${Array.from({ length: cols }, () => this.phrase(1, 5)).join(' | ')} |`);
    return out.join('\n');
  }

  codeBlock(): string {
    const r = this.rng;
    const lang = r.pick(['log', 'sh', 'yaml', 'sql', 'json', 'text']);
    const n = r.int(4, 22);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      switch (lang) {
        case 'log':
        case 'text':
          lines.push(`2024-0${r.int(1, 9)}-1${r.int(0, 9)}T${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(10, 59))}:${String(r.int(10, 59))}.${r.int(100, 999)}Z ${r.pick(['ERROR', 'WARN', 'INFO'])} [${r.pick(TEAMS)}-${r.int(1, 40)}] ${this.phrase(4, 10).toLowerCase()} request_id=${r.int(1e8, 1e9 - 1).toString(16)}`);
          break;
        case 'sh':
          lines.push(`$ ${r.pick(['kubectl -n prod get pods -l app=', 'kubectl rollout status deploy/', 'psql -c "select count(*) from ', 'curl -sS https://api.example.com/health/', 'redis-cli -h cache-', 'dig +short '])}${r.pick(TEAMS)}${r.int(1, 9)}`);
          break;
        case 'yaml':
          lines.push(`${'  '.repeat(r.int(0, 2))}${r.pick(['replicas', 'maxSurge', 'timeoutSeconds', 'max_connections', 'pool_size', 'ttl', 'retries', 'limit'])}: ${r.int(1, 500)}`);
          break;
        case 'sql':
          lines.push(r.pick(['SELECT', 'UPDATE', 'DELETE FROM', 'ALTER TABLE', 'CREATE INDEX CONCURRENTLY ON']) + ` ${r.pick(['events', 'accounts', 'invoices', 'sessions', 'jobs'])} ${r.pick(['WHERE id > 1000', 'SET state = \'queued\'', 'LIMIT 100', '(created_at)', 'ADD COLUMN tenant_id bigint'])};`);
          break;
        default:
          lines.push(`${i === 0 ? '{' : ' '} "${r.pick(['status', 'error', 'region', 'count', 'latency_ms', 'shard'])}": ${r.chance(0.5) ? r.int(0, 9999) : `"${r.pick(WORDS)}"`}${i === n - 1 ? ' }' : ','}`);
      }
    }
    this.words += n * 5;
    const fence = r.chance(0.85) ? '```' : '~~~';
    return `${fence}${lang}\n${lines.join('\n')}\n${fence}`;
  }

  quote(): string {
    return this.paragraph(1, 3)
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\n');
  }
}

function wrap(text: string, width: number): string {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

const INCIDENT_SECTIONS = [
  'Summary', 'Impact', 'What happened', 'Detection', 'Response', 'Recovery', 'Root cause analysis',
  'Timeline in detail', 'What went well', 'What went wrong', 'Where we got lucky', 'Lessons learned', 'Next steps',
];
const MAINTENANCE_SECTIONS = ['Summary', 'Why this work', 'What will change', 'Expected impact', 'Plan', 'Rollback plan', 'Questions'];

const countWords = (s: string) => s.split(/\s+/).filter(Boolean).length;

/** A Markdown body of about `target` words (whitespace-separated tokens, markup included). */
function body(rng: Rng, service: ServiceDef, maintenance: boolean, target: number): { markdown: string; words: number } {
  const t = new Text(rng, service);
  const pool = maintenance ? MAINTENANCE_SECTIONS : INCIDENT_SECTIONS;
  // The first section always, then enough of the others (in their order) for the length.
  const want = Math.max(2, Math.min(pool.length, Math.round(target / 200) + rng.int(-1, 1)));
  const keep = new Set(rng.sample(pool.slice(1), want - 1));
  const sections = [pool[0]!, ...pool.slice(1).filter((s) => keep.has(s))];
  const blocks: string[] = [];
  let words = 0;
  const add = (b: string) => {
    blocks.push(b);
    words += countWords(b);
  };
  let footnote = false;
  sections.forEach((title, i) => {
    const sectionEnd = (target * (i + 1)) / sections.length;
    add(`## ${title}`);
    add(t.paragraph(1, 4));
    while (words < sectionEnd - 40) {
      const kind = rng.weighted<string>([
        ['p', 10],
        ['list', 3],
        ['table', 1],
        ['code', 1.2],
        ['quote', 0.5],
        ['h3', 0.8],
      ]);
      if (kind === 'p') add(t.paragraph());
      else if (kind === 'list') add(t.bulletList());
      else if (kind === 'table') add(t.table());
      else if (kind === 'code') add(t.codeBlock());
      else if (kind === 'quote') add(t.quote());
      else {
        add(`### ${t.phrase(2, 6)}`);
        add(t.paragraph());
      }
    }
    if (!footnote && rng.chance(0.04)) {
      footnote = true;
      add(`${t.paragraph(1, 2)}[^1]`);
    }
  });
  if (footnote) add(`[^1]: ${t.phrase(6, 14)}, see ${t.link()}.`);
  if (rng.chance(0.3)) add(`_${t.phrase(6, 14)}: ${t.link()}._`);
  return { markdown: `${blocks.join('\n\n')}\n`, words };
}

// ---------------------------------------------------------------------------------------------
// Frontmatter

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function isoDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

type TsStyle = { kind: 'z' } | { kind: 'offset'; minutes: number } | { kind: 'local' };

/** A timestamp as an incident author would write it (every style reads back as the same instant). */
function ts(ms: number, style: TsStyle): string {
  if (style.kind === 'offset') {
    const d = new Date(ms + style.minutes * MINUTE);
    const sign = style.minutes < 0 ? '-' : '+';
    const abs = Math.abs(style.minutes);
    return `${isoDate(d.getTime())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }
  const d = new Date(ms);
  if (style.kind === 'local') return `${isoDate(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return `${isoDate(ms)}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00Z`;
}

/** A YAML scalar: plain when obviously safe, else double-quoted (JSON strings are valid YAML). */
function scalar(s: string): string {
  return /^[A-Za-z][A-Za-z0-9 ,.()'/-]*[A-Za-z0-9.)]$/.test(s) && !/: | #/.test(s) ? s : JSON.stringify(s);
}

function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

interface Spec {
  kind: IncidentKind;
  started: number;
}

function minuteFloor(ms: number): number {
  return Math.floor(ms / MINUTE) * MINUTE;
}

/** One incident file: its id (file name) and text. */
function incidentFile(rng: Rng, spec: Spec, now: number, usedIds: Set<string>, stats: { words: number; overdue: number }): { id: string; text: string } {
  const { kind } = spec;
  const maintenance = kind === 'past-maintenance' || kind === 'maintenance-in-progress' || kind === 'maintenance-upcoming';
  const started = minuteFloor(spec.started);

  // Services alive at that time, weighted.
  const alive = SERVICES.filter((s) => !s.since || Date.parse(`${s.since}T00:00:00Z`) <= started);
  const count = rng.weighted([
    [1, 6],
    [2, 3],
    [3, 1],
  ]);
  const chosen: ServiceDef[] = [];
  while (chosen.length < count) {
    const s = rng.weighted(alive.map((a) => [a, a.weight] as const));
    if (!chosen.includes(s)) chosen.push(s);
  }
  const main = chosen[0]!;

  const severity = maintenance
    ? 'maintenance'
    : rng.weighted([
        ['critical', 6],
        ['major', 22],
        ['minor', 52],
        ['notice', 10],
      ] as const);

  // Title.
  let title: string;
  if (maintenance) title = rng.chance(0.5) ? `Scheduled maintenance: ${rng.pick(MAINT_WORK)}` : `${main.name} ${rng.pick(MAINT_WORK)}`;
  else if (severity === 'notice') title = rng.pick([`Delayed ${rng.pick(['emails', 'webhooks', 'exports', 'invoices', 'reports'])} for some customers`, `Degraded ${main.name} in ${rng.pick(REGIONS)}`, `Notice: ${rng.pick(SYMPTOMS).toLowerCase()} on ${main.name}`]);
  else {
    title = rng.pick([
      `${rng.pick(SYMPTOMS)} on ${main.name}`,
      `${rng.pick(SYMPTOMS)} on ${main.name} in ${rng.pick(REGIONS)}`,
      `${main.name} outage caused by ${rng.pick(CAUSES)}`,
      `${rng.pick(SYMPTOMS)} after ${rng.pick(CAUSES)}`,
      `${main.name}: ${rng.pick(SYMPTOMS).toLowerCase()}`,
    ]);
  }
  const date = isoDate(started);
  let id = `${date}-${slugify(title)}`;
  for (let n = 2; usedIds.has(id); n++) id = `${date}-${slugify(title)}-${n}`;
  usedIds.add(id);

  // Times.
  const zoneKey = !maintenance && rng.chance(0.05) ? rng.pick(['Europe/Berlin', 'America/New_York', 'Asia/Tokyo']) : undefined;
  const styleKind = rng.weighted<TsStyle['kind']>([
    ['z', 80],
    ['offset', 12],
    ['local', zoneKey ? 0 : 8],
  ]);
  const style: TsStyle = styleKind === 'offset' ? { kind: 'offset', minutes: rng.pick([-300, -240, 60, 120, 330, 540]) } : { kind: styleKind };
  const T = (ms: number) => ts(minuteFloor(ms), style);

  let detected: number | undefined;
  let mitigated: number | undefined;
  let resolved: number | undefined;
  const timeline: { at: number; text: string; status?: string; impact?: string }[] = [];
  const svcName = main.name;
  // Impact phases (issue 13) on a fifth of the incidents: the main service's impact changes when the cause is
  // identified and it recovers when the fix is in, while the incident goes on.
  const phased = !maintenance && severity !== 'notice' && rng.chance(0.2);
  // Two changes of one service in the same minute would contradict each other (impact-conflict).
  const phaseMinutes = new Set<number>();

  if (maintenance) {
    const hours = rng.int(1, 4);
    resolved = started + hours * HOUR;
    const announced = started - rng.int(3, 14) * DAY + rng.int(8, 17) * HOUR;
    timeline.push({ at: Math.min(announced, now - HOUR), text: `Maintenance scheduled: ${title.replace(/^Scheduled maintenance: /, '')}. Expect up to ${hours} hours of reduced service.`, status: 'scheduled' });
    if (started <= now) timeline.push({ at: started, text: `Maintenance started on **${svcName}**.`, status: 'in_progress' });
    if (resolved <= now) {
      timeline.push({ at: resolved - rng.int(10, 40) * MINUTE, text: 'Work complete; verifying that every service is healthy.', status: 'verifying' });
      timeline.push({ at: resolved, text: 'Maintenance completed.', status: 'completed' });
    }
  } else {
    const duration = Math.max(5 * MINUTE, Math.min(3 * DAY, rng.logNormal(70 * MINUTE, 1.1)));
    if (kind === 'ongoing') {
      resolved = undefined;
    } else {
      resolved = Math.min(started + duration, now - 10 * MINUTE);
      if (resolved <= started) resolved = started + MINUTE;
    }
    const end = resolved ?? now - MINUTE;
    if (rng.chance(0.85)) detected = Math.min(started + Math.floor(rng.logNormal(6 * MINUTE, 1)), end);
    const d = detected ?? started;
    if (rng.chance(0.6)) mitigated = d + Math.floor((end - d) * (0.4 + 0.5 * rng.next()));
    if (rng.chance(0.2)) timeline.push({ at: started - rng.int(5, 60) * MINUTE, text: `A warning on \`${rng.pick(TECH)}\` fired but was not paged.` });
    timeline.push({ at: d, text: `Alert fired for ${svcName}: ${rng.pick(SYMPTOMS).toLowerCase()}. On-call engineer paged.`, status: 'investigating' });
    const middle = rng.int(1, 8);
    const span = Math.max(MINUTE, (mitigated ?? end) - d);
    for (let i = 1; i <= middle; i++) {
      const at = d + Math.floor((span * i) / (middle + 1));
      const status = i === Math.ceil(middle / 2) ? 'identified' : undefined;
      const e: { at: number; text: string; status?: string; impact?: string } = { at, text: rng.pick([`Investigation points at ${rng.pick(CAUSES)}.`, `Scaled \`${rng.pick(TEAMS)}\` workers from ${rng.int(4, 20)} to ${rng.int(21, 80)}.`, `Rolled back release ${rng.int(100, 999)}.${rng.int(0, 99)}.`, `Failover to the replica in ${rng.pick(REGIONS)} started.`, `Customer reports reach support; status page updated.`, `Error rate down to ${rng.int(1, 30)} %.`]) };
      if (status) e.status = status;
      if (status && phased && minuteFloor(at) > minuteFloor(started) && minuteFloor(at) < minuteFloor(resolved ?? now) - MINUTE) {
        phaseMinutes.add(minuteFloor(at));
        e.impact = `{ ${main.id}: ${rng.pick(['major_outage', 'partial_outage', 'degraded_performance'])} }`;
      }
      timeline.push(e);
    }
    if (mitigated !== undefined) {
      const e: { at: number; text: string; status?: string; impact?: string } = { at: mitigated, text: 'A fix is in place; we are monitoring the results.', status: 'monitoring' };
      if (phased && !phaseMinutes.has(minuteFloor(mitigated)) && minuteFloor(mitigated) > minuteFloor(started) && minuteFloor(mitigated) < minuteFloor(resolved ?? now) - MINUTE) e.impact = `{ ${main.id}: operational }`;
      timeline.push(e);
    }
    if (resolved !== undefined) {
      timeline.push({ at: resolved, text: `${svcName} is operating normally again.`, status: 'resolved' });
      const pm = resolved + rng.int(2, 10) * DAY;
      if (pm < now && rng.chance(0.7)) timeline.push({ at: pm, text: 'The postmortem below has been published.', status: 'postmortem' });
    }
  }
  timeline.sort((a, b) => a.at - b.at);

  // Actions.
  const actions: string[] = [];
  const nActions = maintenance ? rng.int(0, 2) : rng.int(1, 6);
  const age = now - started;
  const text = new Text(rng, main);
  let overdue = kind === 'past' && age > 14 * DAY && rng.chance(0.01);
  for (let i = 0; i < nActions; i++) {
    let status: string;
    let due: number | undefined;
    if (overdue) {
      status = rng.pick(['open', 'in_progress']);
      due = started + 7 * DAY + Math.floor(rng.next() * Math.max(DAY, age - 9 * DAY));
      due = Math.min(due, now - 2 * DAY);
      overdue = false;
      stats.overdue++;
    } else if (age > 120 * DAY) {
      status = rng.weighted([
        ['done', 80],
        ['wont_do', 12],
        ['open', 8],
      ]);
      if (status !== 'open' && rng.chance(0.5)) due = started + rng.int(7, 60) * DAY;
    } else {
      status = rng.weighted([
        ['done', 35],
        ['in_progress', 30],
        ['open', 35],
      ]);
      if (rng.chance(0.7)) due = status === 'done' ? started + rng.int(1, 30) * DAY : now + rng.int(3, 120) * DAY;
    }
    const lines = [`  - title: ${scalar(text.phrase(4, 12))}`, `    status: ${status}`];
    if (rng.chance(0.8)) lines.push(`    owner: ${scalar(rng.pick(NAMES))}`);
    if (due !== undefined) lines.push(`    due: ${isoDate(due)}`);
    if (rng.chance(0.7)) lines.push(`    priority: ${rng.pick(['high', 'medium', 'low'])}`);
    if (rng.chance(0.7)) lines.push(`    kind: ${rng.pick(['prevent', 'mitigate', 'detect', 'process'])}`);
    if (rng.chance(0.5)) lines.push(`    link: https://tracker.example.com/browse/OPS-${rng.int(100, 9999)}`);
    // When a closed action was closed (4 in 5 say so): derived from the start, not drawn, so that every other
    // value of the project stays what it was before `closed` existed.
    const spread = Math.floor(started / MINUTE + i * 7) % 45;
    const closed = started + (1 + spread) * DAY;
    if ((status === 'done' || status === 'wont_do') && spread % 5 !== 0 && closed <= now - DAY) lines.push(`    closed: ${isoDate(closed)}`);
    actions.push(...lines);
  }

  // The file.
  const fm: string[] = [];
  if (rng.chance(0.3)) fm.push('# yaml-language-server: $schema=../../schema/incident.schema.json');
  fm.push(`title: ${scalar(title)}`);
  fm.push('summary: >-');
  fm.push(...text.paragraph(2, 3).split('\n').map((l) => `  ${l}`));
  fm.push(`severity: ${severity}`);
  fm.push(`started: ${T(started)}`);
  if (detected !== undefined) fm.push(`detected: ${T(detected)}`);
  // How it was detected, for most incidents (derived, not drawn, as for `closed`).
  const how = Math.floor(started / MINUTE) % 20;
  if (!maintenance && how < 16) fm.push(`detection: ${how < 10 ? 'monitoring' : how < 13 ? 'customer' : how < 15 ? 'employee' : 'third_party'}`);
  if (mitigated !== undefined) fm.push(`mitigated: ${T(mitigated)}`);
  if (resolved !== undefined) fm.push(`resolved: ${T(resolved)}${kind === 'maintenance-upcoming' ? ' # scheduled end' : ''}`);
  if (zoneKey) fm.push(`timezone: ${zoneKey}`);
  fm.push('services:');
  for (const s of chosen) {
    if (!maintenance && severity !== 'notice' && rng.chance(0.25)) {
      fm.push(`  - id: ${s.id}`, `    impact: ${rng.pick(['major_outage', 'partial_outage', 'degraded_performance'])}`);
    } else fm.push(`  - ${s.id}`);
  }
  fm.push('timeline:');
  for (const e of timeline) {
    fm.push(`  - at: ${T(e.at)}`, `    text: ${scalar(e.text)}`);
    if (e.status) fm.push(`    status: ${e.status}`);
    if (e.impact) fm.push(`    impact: ${e.impact}`);
  }
  if (!maintenance) {
    fm.push('root_cause: |');
    const rc = [text.paragraph(2, 5)];
    if (rng.chance(0.4)) rc.push(text.paragraph(1, 3));
    fm.push(...rc.join('\n\n').split('\n').map((l) => (l ? `  ${l}` : '')));
    fm.push('contributing_factors:');
    for (let i = rng.int(1, 5); i > 0; i--) fm.push(`  - ${scalar(text.phrase(5, 16))}`);
  }
  if (actions.length) fm.push('actions:', ...actions);
  if (!maintenance && rng.chance(0.3)) {
    fm.push('links:', `  - { title: ${scalar(`${svcName} dashboard`)}, url: "https://grafana.example.com/d/${main.id}?from=${started}", kind: dashboard }`);
    if (rng.chance(0.5)) fm.push(`  - { title: INC-${rng.int(1000, 9999)}, url: "https://tracker.example.com/browse/INC-${rng.int(1000, 9999)}", kind: ticket }`);
  }
  const tags = rng.sample(TAGS, rng.int(maintenance ? 0 : 1, 4));
  if (tags.length) fm.push(`tags: [${tags.join(', ')}]`);
  fm.push(`authors: [${rng.sample(NAMES, rng.int(1, 3)).map((n) => (n.includes("'") ? JSON.stringify(n) : n)).join(', ')}]`);
  if (kind === 'draft') fm.push('draft: true');

  const target = Math.round(320 + 2380 * Math.pow(rng.next(), maintenance ? 2.6 : 1.8));
  const b = body(rng, main, maintenance, target);
  stats.words += b.words;
  return { id, text: `---\n${fm.join('\n')}\n---\n\n${b.markdown}` };
}

/** What kind each of the `n` files is, and when it starts. */
function plan(rng: Rng, n: number, now: number): Spec[] {
  const specs: Spec[] = [];
  const ongoing = n >= 1000 ? 3 : n >= 10 ? 2 : n >= 4 ? 1 : 0;
  const upcoming = n >= 100 ? 3 : n >= 5 ? 1 : 0;
  const inProgress = n >= 3 ? 1 : 0;
  for (let i = 0; i < ongoing; i++) specs.push({ kind: 'ongoing', started: now - rng.int(20, 20 * 60) * MINUTE });
  for (let i = 0; i < upcoming; i++) specs.push({ kind: 'maintenance-upcoming', started: Math.floor((now + rng.int(2, 30) * DAY) / DAY) * DAY + rng.int(0, 5) * HOUR });
  if (inProgress) specs.push({ kind: 'maintenance-in-progress', started: now - 45 * MINUTE });
  const first = now - YEARS * 365 * DAY;
  const last = now - 2 * DAY;
  const past = n - specs.length;
  for (let i = 0; i < past; i++) {
    const started = first + Math.floor(rng.next() * (last - first));
    const r = rng.next();
    const kind: IncidentKind = r < 0.1 ? 'past-maintenance' : r < 0.103 ? 'draft' : 'past';
    // Maintenance starts on the hour, at night.
    specs.push({ kind, started: kind === 'past-maintenance' ? Math.floor(started / DAY) * DAY + rng.int(0, 5) * HOUR : started });
  }
  return specs.sort((a, b) => a.started - b.started);
}

const GRAPH_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"><polyline fill="none" stroke="#cf222e" stroke-width="2" points="0,35 20,34 40,30 60,8 80,12 100,33 120,35"/></svg>\n';

/** A small stable hash of an id (FNV-1a). */
function idHash(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** An incident file with the internal parts its id chooses (see the module's comment), and which it got. */
export function withInternalParts(id: string, text: string, rng: Rng): { text: string; parts: ('sections' | 'responders' | 'incidents' | 'nearMisses')[] } {
  const h = idHash(`${id}:internal`);
  const close = text.indexOf('\n---\n', 4);
  let head = text.slice(0, close);
  let body = text.slice(close);
  const parts: ('sections' | 'responders' | 'incidents' | 'nearMisses')[] = [];
  if (h % 10 === 0) {
    body += `\n:::internal\n### What the team saw\n\nThe on-call engineer, ${NAMES[h % NAMES.length]}, first suspected \`${TECH[h % TECH.length]}\` and lost twenty minutes there; the\nrunbook step for ${REGIONS[h % REGIONS.length]} named a host retired last quarter. ${rng.pick(CAUSES)}.\n:::\n`;
    parts.push('sections');
  }
  if ((h >>> 4) % 10 === 0) {
    head += `\nresponders:\n  - { name: ${scalar(NAMES[(h >>> 8) % NAMES.length]!)}, role: incident commander }\n  - ${scalar(NAMES[(h >>> 12) % NAMES.length]!)}`;
    parts.push('responders');
  }
  const maintenance = /\nseverity: maintenance\n/.test(head);
  if (!maintenance && (h >>> 16) % 30 === 0) {
    head += '\nvisibility: internal';
    parts.push('incidents');
  } else if (!maintenance && (h >>> 16) % 50 === 1 && !/\n\s+impact:/.test(head)) {
    head += '\nnear_miss: true';
    parts.push('nearMisses');
  }
  return { text: head + body, parts };
}

/** Write a project of `opts.incidents` incident files (plus `site.yaml`) into `dir` (created if needed). */
export async function generateProject(dir: string, opts: GenerateOptions): Promise<GeneratedProject> {
  const rng = new Rng(opts.seed ?? 1);
  const now = BENCH_NOW_MS;
  const existing = await readdir(dir).catch(() => [] as string[]);
  if (existing.length > 0) throw new Error(`generateProject: ${dir} is not empty`);
  await mkdir(path.join(dir, 'incidents'), { recursive: true });
  await writeFile(path.join(dir, 'site.yaml'), siteYaml());
  const specs = plan(rng, opts.incidents, now);
  const usedIds = new Set<string>();
  const stats = { words: 0, overdue: 0 };
  const kinds: Record<IncidentKind, number> = { past: 0, 'past-maintenance': 0, ongoing: 0, 'maintenance-in-progress': 0, 'maintenance-upcoming': 0, draft: 0 };
  const files: string[] = [];
  const internalCounts = { sections: 0, responders: 0, incidents: 0, nearMisses: 0 };
  let bytes = 0;
  const years = new Set<string>();
  // Images in postmortems (issue 17): one in twenty shows a graph kept next to it, one in twenty a diagram of static/.
  // Chosen from the id, so that the rest of the project is what the same seed always gave.
  await mkdir(path.join(dir, 'static', 'img'), { recursive: true });
  await writeFile(path.join(dir, 'static', 'img', 'architecture.svg'), GRAPH_SVG);
  for (const spec of specs) {
    const generated = incidentFile(rng, spec, now, usedIds, stats);
    const id = generated.id;
    const internal = withInternalParts(id, generated.text, new Rng(idHash(id)));
    for (const part of internal.parts) internalCounts[part]++;
    let text = internal.text;
    const year = id.slice(0, 4);
    if (!years.has(year)) {
      years.add(year);
      await mkdir(path.join(dir, 'incidents', year), { recursive: true });
      await writeFile(path.join(dir, 'incidents', year, 'error-rate.svg'), GRAPH_SVG);
    }
    const pick = idHash(id) % 20;
    if (pick === 0) text += '\n![Error rate during the incident, per minute](error-rate.svg)\n';
    else if (pick === 1) text += '\n![How requests reach the affected service](/img/architecture.svg)\n';
    const rel = `incidents/${year}/${id}.md`;
    await writeFile(path.join(dir, rel), text);
    files.push(rel);
    bytes += Buffer.byteLength(text);
    kinds[spec.kind]++;
  }
  files.sort();
  return { root: dir, files, bytes, words: stats.words, kinds, overdueActions: stats.overdue, sourceDateEpoch: BENCH_SOURCE_DATE_EPOCH, internal: internalCounts };
}

// CLI
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { parseArgs } = await import('node:util');
  const { values, positionals } = parseArgs({ options: { incidents: { type: 'string' }, seed: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) {
    process.stderr.write('usage: node build/bench/generate.js DIR [--incidents N] [--seed S]\n');
    process.exit(2);
  }
  const r = await generateProject(path.resolve(positionals[0]!), { incidents: Number(values.incidents ?? 100), seed: Number(values.seed ?? 1) });
  process.stdout.write(
    `Generated ${r.files.length} incidents (${(r.bytes / 1024 / 1024).toFixed(1)} MiB, ${r.words} words) in ${r.root}; build with SOURCE_DATE_EPOCH=${r.sourceDateEpoch}\n` +
      `${JSON.stringify(r.kinds)}; overdue actions: ${r.overdueActions}; internal parts: ${JSON.stringify(r.internal)}\n`,
  );
}

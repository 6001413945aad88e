/**
 * The shapes of `site.yaml` and of an incident's frontmatter, defined once with zod.
 * The validator checks against them and `postmortem schema` prints the JSON Schema generated from them,
 * so editors (yaml-language-server) and the CLI can never disagree.
 * Values that need context (timestamps read in a zone, service ids known to site.yaml) are checked
 * afterwards in validate.ts; here they are only shaped.
 */
import { z } from 'zod';
import { VISIBILITIES, ACTION_KINDS, ACTION_STATUSES, DETECTION_METHODS, IMPACT_VALUES, INCIDENT_STATUSES, LINK_KINDS, MAINTENANCE_STATUSES, PRIORITIES, SEVERITIES } from '../core/model.js';
import { NOTIFY_ENV_PATTERN, NOTIFY_EVENTS, NOTIFY_TYPES } from '../core/notify.js';
import { DATE_PATTERN, TIMESTAMP_PATTERN } from '../core/time.js';

export const SLUG_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
const slugRe = new RegExp(SLUG_PATTERN);

const slug = (what: string) =>
  z
    .string()
    .regex(slugRe, { error: `${what} must be a slug (lowercase letters, digits and single hyphens, e.g. "api-gateway")` })
    .max(100, { error: `${what} must be at most 100 characters` });

const text = (description: string) => z.string().min(1).meta({ description });

const timestamp = (description: string) =>
  z
    .string()
    .regex(new RegExp(TIMESTAMP_PATTERN), {
      error: 'expected a timestamp like 2020-05-29T16:21:00Z, 2020-05-29T16:21:00-04:00 or 2020-05-29 16:21 (local time)',
    })
    .meta({ description });

const date = (description: string) =>
  z.string().regex(new RegExp(DATE_PATTERN), { error: 'expected a date like 2020-06-30' }).meta({ description });

const url = (description: string) =>
  z
    .string()
    .regex(/^https?:\/\/[^\s]+$/i, { error: 'expected an absolute http(s) URL such as https://example.com/' })
    .meta({ description });

const timezone = z.string().min(1).meta({ description: 'IANA time zone name, e.g. "Europe/Paris"; local timestamps are read in it' });

const language = (description: string) => z.string().min(1).meta({ description });

// ---------------------------------------------------------------------------------------------

export const serviceConfigSchema = z.strictObject({
  id: slug('a service id').meta({ description: 'referenced by incidents' }),
  name: text('display name'),
  group: text('services with the same group are shown together').optional(),
  description: z.string().optional(),
  since: date('start of the service\'s life; uptime is not counted before it').optional(),
});

/**
 * An environment variable's name. Its form (POSTMORTEM_…) is checked in notify.ts, which never repeats a value that
 * is not a name: that value may be the secret itself, written in the file by mistake.
 */
const envName = (description: string) => z.string().min(1).meta({ description, pattern: NOTIFY_ENV_PATTERN });

export const notifyTargetSchema = z.strictObject({
  type: z.enum(NOTIFY_TYPES).meta({ description: 'the platform, posted to in its own message format' }),
  url_env: envName('environment variable holding the target\'s URL, e.g. POSTMORTEM_SLACK_URL (never the URL itself)'),
  secret_env: envName('webhook only: environment variable holding the signing secret').optional(),
  services: z.array(slug('a service id')).min(1).optional().meta({ description: 'only what concerns these services (default: every service)' }),
  events: z.array(z.enum(NOTIFY_EVENTS)).min(1).optional().meta({ description: 'only these events (default: every one but service_status)' }),
});

/** The internal site: its address and folder, and what else is kept off the public site. */
export const internalSiteSchema = z.strictObject({
  base_url: url('the internal site\'s address (an access-controlled host), may carry a path').optional(),
  output: z.string().min(1).optional().meta({ description: 'its output folder, relative to the project (default dist-internal); `build` then writes both sites' }),
  action_owners: z.enum(VISIBILITIES).optional().meta({ description: 'public (default): action owners are shown on both sites; internal: on the internal site only' }),
});

/** `internal: true`: a part shown on the internal site only. */
const internalFlag = (what: string) => z.boolean().optional().meta({ description: `true: this ${what} is shown on the internal site only` });

export const siteSchema = z
  .strictObject({
    title: text('site name, e.g. "Acme Status"').max(200),
    base_url: url('public address, may carry a path (https://acme.github.io/status/)').optional(),
    description: z.string().optional().meta({ description: 'one line under the title' }),
    timezone: timezone.optional(),
    uptime_days: z.number().int().min(1).max(365).optional().meta({ description: 'window of the uptime bars and percentages (default 90)' }),
    language: language('language of the pages, feeds and badges, a BCP 47 tag: en (default), de, fr, es, ja, or one of locales/ in the project').optional(),
    content_language: language('language the incidents are written in (default: language); an incident may say its own').optional(),
    display_timezone: z.string().min(1).optional().meta({ description: 'IANA time zone of the times readers see and of the days the uptime bars count (default UTC)' }),
    clock: z.enum(['24h', '12h']).optional().meta({ description: 'clock of the times readers see (default 24h)' }),
    services: z.array(serviceConfigSchema).min(1).meta({ description: 'the services a reader sees, in display order' }),
    notify: z.array(notifyTargetSchema).optional().meta({ description: 'where `postmortem notify` posts what a publish changed' }),
    internal: internalSiteSchema.optional().meta({ description: 'the internal site (`postmortem build --audience internal`): everything, internal parts marked' }),
  })
  .meta({ title: 'postmortem site.yaml' });

// ---------------------------------------------------------------------------------------------

export const serviceRefSchema = z.union([
  slug('a service id').meta({ description: 'a service id from site.yaml' }),
  z.strictObject({
    id: slug('a service id'),
    impact: z.enum(IMPACT_VALUES).optional().meta({ description: 'defaults from the severity; `operational`: listed but unaffected (until a timeline entry changes it)' }),
  }),
]);

export const timelineEntrySchema = z.strictObject({
  at: timestamp('when it happened'),
  text: text('inline Markdown'),
  status: z
    .enum([...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES])
    .optional()
    .meta({ description: 'marks a public status update; incidents: investigating…postmortem, maintenance: scheduled…completed' }),
  impact: z
    .record(z.string(), z.enum(IMPACT_VALUES))
    .optional()
    .meta({ description: 'impact phases: service id → its impact from `at` onward (`operational`: recovered, or not hit yet)' }),
  internal: internalFlag('entry (it may carry neither a status nor an impact: both are public)'),
});

export const linkSchema = z.strictObject({
  title: text('what the link is, e.g. "Public write-up"'),
  url: url('where it is'),
  kind: z.enum(LINK_KINDS).optional().meta({ description: 'postmortem, status, dashboard, graph, ticket, chat, related or other' }),
  internal: internalFlag('link'),
});

export const actionSchema = z.strictObject({
  title: text('what will be done'),
  status: z.enum(ACTION_STATUSES),
  owner: z.string().min(1).optional(),
  due: date('due date').optional(),
  priority: z.enum(PRIORITIES).optional(),
  kind: z.enum(ACTION_KINDS).optional(),
  link: url('tracker link').optional(),
  closed: date('when a done or won\'t-do action was closed; not before the incident started, not in the future').optional(),
  internal: internalFlag('action'),
});

export const factorSchema = z.union([
  z.string().min(1).meta({ description: 'a contributing factor, in a sentence' }),
  z.strictObject({ text: text('the contributing factor, in a sentence'), internal: internalFlag('factor') }),
]);

export const responderSchema = z.union([
  z.string().min(1).meta({ description: 'who worked on the incident' }),
  z.strictObject({ name: text('who worked on the incident'), role: text('their role: incident commander, communications lead, scribe, …').optional() }),
]);

export const incidentSchema = z
  .strictObject({
    title: text('the incident\'s title').max(200),
    summary: text('one paragraph, used in lists, feeds and the API'),
    severity: z.enum(SEVERITIES).meta({ description: '`maintenance` marks planned work' }),
    started: timestamp('customer impact began (maintenance: scheduled start)'),
    detected: timestamp('the team learned of it').optional(),
    detection: z.enum(DETECTION_METHODS).optional().meta({ description: 'how the team learned of it: monitoring, customer, employee, third_party or other' }),
    mitigated: timestamp('customer impact stopped growing or was worked around').optional(),
    resolved: timestamp('impact ended (maintenance: scheduled or actual end); absent means ongoing').optional(),
    services: z.array(serviceRefSchema).min(1).meta({ description: 'affected services: an id, or {id, impact}' }),
    timeline: z.array(timelineEntrySchema).optional(),
    root_cause: z.string().min(1).optional().meta({ description: 'why it happened (Markdown)' }),
    contributing_factors: z.array(factorSchema).optional().meta({ description: 'sentences, or {text, internal: true} for a factor shown on the internal site only' }),
    actions: z.array(actionSchema).optional(),
    links: z.array(linkSchema).optional().meta({ description: 'sources and evidence: the public write-up, dashboards, graphs, the ticket, related incidents' }),
    tags: z.array(slug('a tag')).max(50).optional().meta({ description: 'at most 50; each has a page listing its incidents' }),
    authors: z.array(z.string().min(1)).optional(),
    timezone: timezone.optional(),
    language: language('language this incident is written in, a BCP 47 tag (default: content_language of site.yaml)').optional(),
    draft: z.boolean().optional().meta({ description: 'drafts are checked but not published unless asked' }),
    visibility: z.enum(VISIBILITIES).optional().meta({ description: 'public (default): on both sites; internal: on the internal site only (near misses, internal-only events)' }),
    near_miss: z.boolean().optional().meta({ description: 'true: a near miss, no customer impact: internal only, no service\'s status or uptime changes' }),
    responders: z.array(responderSchema).optional().meta({ description: 'who worked on it, with their roles: shown on the internal site only' }),
  })
  .meta({ title: 'postmortem incident frontmatter' });

export type RawIncident = z.infer<typeof incidentSchema>;

/** Keys of each object shape by path pattern (`*` for list items), for "did you mean". */
export const KNOWN_KEYS: Record<string, readonly string[]> = {
  incident: Object.keys(incidentSchema.shape),
  'incident.services.*': ['id', 'impact'],
  'incident.timeline.*': Object.keys(timelineEntrySchema.shape),
  'incident.actions.*': Object.keys(actionSchema.shape),
  'incident.links.*': Object.keys(linkSchema.shape),
  'incident.contributing_factors.*': ['text', 'internal'],
  'incident.responders.*': ['name', 'role'],
  site: Object.keys(siteSchema.shape),
  'site.services.*': Object.keys(serviceConfigSchema.shape),
  'site.notify.*': Object.keys(notifyTargetSchema.shape),
  'site.internal': Object.keys(internalSiteSchema.shape),
};

/** Help for keys people write where another is meant, by path pattern (beyond "did you mean"). */
const SECRET_IN_FILE = 'a webhook URL or secret is a secret: set it in a CI secret exposed as an environment variable named POSTMORTEM_…, and name that variable in url_env (or secret_env)';
export const KEY_HINTS: Record<string, Record<string, string>> = {
  'site.notify.*': { url: SECRET_IN_FILE, webhook: SECRET_IN_FILE, webhook_url: SECRET_IN_FILE, secret: SECRET_IN_FILE, token: SECRET_IN_FILE },
};

export function incidentJsonSchema(): object {
  return z.toJSONSchema(incidentSchema, { target: 'draft-7' });
}

export function siteJsonSchema(): object {
  return z.toJSONSchema(siteSchema, { target: 'draft-7' });
}

/**
 * notify, in process: the events derived from two snapshots, which target gets which message, the text of messages
 * (links kept, markup and mentions neutralized), the retry policy against a local server, and the signature as a
 * Standard Webhooks receiver checks it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { NotifySnapshot, SnapshotIncident } from '../src/render/index.js';
import type { NotifyTarget } from '../src/core/index.js';
import type { IncidentDetails } from '../src/notify/index.js';
import { deriveChanges, discordPayload, messageView, planMessages, post, redactor, resolveTarget, retryAfterMs, segments, signatureHeaders, slackPayload, teamsPayload, parseSnapshot, type Change } from '../src/notify/index.js';

const BASE = 'https://acme.github.io/status/';

function incident(id: string, over: Partial<SnapshotIncident> = {}): SnapshotIncident {
  return {
    id,
    maintenance: false,
    phase: 'open',
    postmortem: false,
    status: 'investigating',
    started_at: '2024-12-31T20:00:00Z',
    resolved_at: null,
    latest_update: '2024-12-31T20:05:00Z investigating',
    ...over,
  };
}

/** What a message says of incident `id` (read from the new site's api/incidents/<id>.json by notify). */
function details(id: string, over: Partial<IncidentDetails> = {}): IncidentDetails {
  return {
    title: `Title of ${id}`,
    url: `${BASE}incidents/${id}/`,
    severity: 'major',
    summary: `Summary of ${id}.`,
    services: [{ id: 'api', name: 'API', impact: 'partial_outage' }],
    update: { at: '2024-12-31T20:05:00Z', status: 'investigating', text: 'Looking into it.' },
    ...over,
  };
}

const detailsOf = (...entries: [string, Partial<IncidentDetails>?][]) => new Map(entries.map(([id, over]) => [id, details(id, over)] as const));

function snapshot(incidents: SnapshotIncident[], statuses: Record<string, string> = {}, at = '2025-01-01T00:00:00Z'): NotifySnapshot {
  return {
    format: 'postmortem-notify',
    version: 1,
    generated_at: at,
    site: { title: 'Acme Status', url: BASE, language: 'en' },
    services: ['api', 'website'].map((id) => ({ id, name: id.toUpperCase(), status: (statuses[id] ?? 'operational') as never, url: `${BASE}services/${id}/` })),
    incidents,
  };
}

const events = (changes: Change[]) => changes.map((c) => (c.kind === 'service' ? `${c.service.id}:${c.from}->${c.service.status}` : `${c.incident.id}:${c.events.join('+')}${c.again ? ' again' : ''}`));

const resolvedUpdate = '2024-12-31T23:00:00Z resolved';

describe('notify: events derived from the live site and the new one', () => {
  it('nothing changed, nothing derived; the same site published again derives nothing', () => {
    const s = snapshot([incident('a')], { api: 'partial_outage' });
    assert.deepEqual(deriveChanges(s, s), []);
    assert.deepEqual(deriveChanges(s, snapshot([incident('a')], { api: 'partial_outage' }, '2025-01-02T00:00:00Z')), [], 'a later build of the same content');
  });

  it('opened, update, resolved, postmortem, and an incident reopened', () => {
    const before = snapshot([incident('b'), incident('c', { phase: 'resolved', status: 'resolved', resolved_at: '2024-12-31T22:00:00Z' }), incident('e', { phase: 'resolved', status: 'resolved', resolved_at: '2024-12-31T22:00:00Z' })]);
    const after = snapshot([
      incident('a'),
      incident('b', { latest_update: resolvedUpdate, phase: 'resolved', status: 'resolved', resolved_at: '2024-12-31T23:00:00Z' }),
      incident('c', { phase: 'resolved', status: 'postmortem', postmortem: true, resolved_at: '2024-12-31T22:00:00Z' }),
      incident('e'),
    ]);
    // Oldest first: the snapshot lists the newest first.
    assert.deepEqual(events(deriveChanges(before, after)), ['e:opened again', 'c:postmortem', 'b:update+resolved', 'a:opened']);
  });

  it('a new incident already over is resolved (and its postmortem published), never opened', () => {
    const after = snapshot([incident('x', { phase: 'resolved', resolved_at: '2024-12-31T21:00:00Z', postmortem: true }), incident('y', { phase: 'resolved', resolved_at: '2024-12-31T21:00:00Z' })]);
    assert.deepEqual(events(deriveChanges(snapshot([]), after)), ['y:resolved', 'x:resolved+postmortem']);
  });

  it('maintenance: scheduled, started, completed, rescheduled, and its updates', () => {
    const m = (id: string, over: Partial<SnapshotIncident>) => incident(id, { maintenance: true, latest_update: null, ...over });
    const before = snapshot([m('m1', { phase: 'upcoming', status: 'scheduled' }), m('m2', { phase: 'upcoming' }), m('m3', { phase: 'in_progress' }), m('m4', { phase: 'upcoming' })]);
    const after = snapshot([
      m('m0', { phase: 'upcoming' }),
      m('m1', { phase: 'in_progress', status: 'in_progress', latest_update: '2024-12-31T20:00:00Z in_progress' }),
      m('m2', { phase: 'completed' }),
      m('m3', { phase: 'completed' }),
      m('m4', { phase: 'upcoming', started_at: '2025-01-05T20:00:00Z' }),
    ]);
    assert.deepEqual(events(deriveChanges(before, after)).sort(), ['m0:scheduled', 'm1:update+started', 'm2:started+completed', 'm3:completed', 'm4:scheduled again'].sort());
  });

  it("a service's status that changed", () => {
    assert.deepEqual(events(deriveChanges(snapshot([], { api: 'major_outage' }), snapshot([], { website: 'degraded_performance' }))), ['api:major_outage->operational', 'website:operational->degraded_performance']);
  });

  it('a first run announces only what is going on now, never the history', () => {
    const after = snapshot([incident('old', { phase: 'resolved', resolved_at: '2024-01-01T00:00:00Z' }), incident('now'), incident('m', { maintenance: true, phase: 'upcoming' })], { api: 'partial_outage' });
    assert.deepEqual(events(deriveChanges(null, after)), ['m:scheduled', 'now:opened']);
  });

  it('an update is known by its time and status: an edited text is not a new one, nor one dated before the newest', () => {
    const before = snapshot([incident('a', { latest_update: '2024-12-31T21:00:00Z identified' })]);
    assert.deepEqual(deriveChanges(before, snapshot([incident('a', { latest_update: '2024-12-31T21:00:00Z identified' })])), []);
    assert.deepEqual(deriveChanges(before, snapshot([incident('a', { latest_update: '2024-12-31T20:30:00Z identified' })])), [], 'an older one (the newest removed, or a late entry)');
    assert.deepEqual(events(deriveChanges(before, snapshot([incident('a', { latest_update: '2024-12-31T21:00:00Z monitoring' })]))), ['a:update'], 'same time, another status');
  });
});

describe('notify: which target gets which message', () => {
  const before = snapshot([incident('a'), incident('w')], { api: 'partial_outage', website: 'partial_outage' });
  const after = snapshot([incident('a', { latest_update: resolvedUpdate, phase: 'resolved', status: 'resolved', resolved_at: '2024-12-31T23:00:00Z' }), incident('w', { latest_update: '2024-12-31T22:00:00Z identified' })], { website: 'partial_outage' });
  const changes = deriveChanges(before, after);
  const d = detailsOf(['a'], ['w', { services: [{ id: 'website', name: 'WEBSITE', impact: 'partial_outage' }] }]);
  const target = (over: Partial<NotifyTarget>): NotifyTarget => ({ type: 'slack', urlEnv: 'POSTMORTEM_X', events: ['opened', 'update', 'resolved', 'postmortem'], ...over });

  it('one message per incident, named by the most advanced event the target asked for; services filter', () => {
    const plan = planMessages([target({}), target({ events: ['update'] }), target({ services: ['website'] }), target({ type: 'webhook', events: ['service_status'] })], changes, after, d);
    assert.deepEqual(
      plan.map((m) => `${m.target}:${m.event}:${m.subject}`),
      ['0:update:Title of w', '0:resolved:Title of a', '1:update:Title of w', '1:update:Title of a', '2:update:Title of w', '3:service_status:API'],
    );
  });

  it('the same event has the same id wherever and whenever it is planned (a webhook receiver drops a copy)', () => {
    const a = planMessages([target({}), target({ type: 'webhook', secretEnv: 'POSTMORTEM_S' })], changes, after, d);
    assert.equal(a[0]!.id, a[2]!.id);
    assert.equal(a[0]!.event, 'update');
    assert.equal(planMessages([target({})], deriveChanges(before, after), after, d)[0]!.id, a[0]!.id);
    assert.notEqual(a[0]!.id, a[1]!.id);
  });
});

describe('notify: the text of messages', () => {
  const change = deriveChanges(snapshot([]), snapshot([incident('a')]))[0]!;
  const text = 'See [the *thread*](https://example.com/t?a=1|2) <!channel> @everyone & <b>bold</b> [local](../x/) `code`';
  const view = messageView(change, ['opened'], snapshot([]), detailsOf(['a', { update: { at: '2024-12-31T20:05:00Z', status: 'investigating', text } }]));

  it('Markdown is read: links kept (http(s) only), raw HTML dropped, the rest plain', () => {
    assert.deepEqual(segments('See [the *thread*](https://example.com/t) and [js](javascript:alert(1)) <i>x</i>.'), [{ text: 'See ' }, { text: 'the thread', href: 'https://example.com/t' }, { text: ' and js x.' }]);
  });

  it('Slack: &, < and > escaped (no @channel), links as <url|text>', () => {
    const text = (slackPayload(view).blocks as { text?: { text: string } }[])[1]!.text!.text;
    assert.equal(text, 'See <https://example.com/t?a=1%7C2|the thread>  @everyone &amp; bold local code');
  });

  it('Discord: no mention allowed, Markdown escaped, links as [text](url)', () => {
    const p = discordPayload(view) as { embeds: { description: string }[]; allowed_mentions: unknown };
    assert.deepEqual(p.allowed_mentions, { parse: [] });
    assert.equal(p.embeds[0]!.description, 'See [the thread](https://example.com/t?a=1|2)  @\u200beveryone & bold local code');
  });

  it('Teams: an Adaptive Card in a message attachment, with the link as a link', () => {
    const p = teamsPayload(view) as { type: string; attachments: { contentType: string; content: { type: string; body: { text?: string }[]; actions: unknown[] } }[] };
    assert.equal(p.type, 'message');
    assert.equal(p.attachments[0]!.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(p.attachments[0]!.content.type, 'AdaptiveCard');
    assert.equal(p.attachments[0]!.content.body[1]!.text, 'See [the thread](https://example.com/t?a=1|2)  @everyone & bold local code');
    assert.deepEqual(p.attachments[0]!.content.actions, [{ type: 'Action.OpenUrl', title: 'View incident', url: `${BASE}incidents/a/` }]);
  });

  it('long titles and texts are cut to what every platform takes', () => {
    const long = deriveChanges(snapshot([]), snapshot([incident('l')]))[0]!;
    const v = messageView(long, ['opened'], snapshot([]), detailsOf(['l', { title: 'T'.repeat(300), update: { at: '2024-12-31T20:05:00Z', status: 'investigating', text: 'word '.repeat(1000) } }]));
    const slack = slackPayload(v).blocks as { text?: { text: string } }[];
    assert.ok(slack[0]!.text!.text.length <= 150 && slack[0]!.text!.text.endsWith('…'));
    assert.ok(slack[1]!.text!.text.length <= 1500);
  });
});

describe('notify: snapshots from elsewhere are checked', () => {
  it('refuses what is not a snapshot, and a newer version, saying so', () => {
    assert.throws(() => parseSnapshot('<html>', 'x'), /x is not JSON/);
    assert.throws(() => parseSnapshot('{"a":1}', 'x'), /x is not a postmortem notify snapshot/);
    assert.throws(() => parseSnapshot('{"format":"postmortem-notify","version":2}', 'x'), /version 2 .* upgrade postmortem/);
    assert.throws(() => parseSnapshot(JSON.stringify({ ...snapshot([]), incidents: [{ id: 1 }] }), 'x'), /x is not a valid notify snapshot: incidents\.0\.id/);
    assert.throws(() => parseSnapshot(JSON.stringify(snapshot([incident('../../etc/passwd')])), 'x'), /incidents\.0\.id/, 'an id names a file: only a slug');
    assert.deepEqual(parseSnapshot(JSON.stringify(snapshot([incident('a')])), 'x'), snapshot([incident('a')]));
  });
});

describe('notify: delivery', () => {
  it('Retry-After in seconds or as a date', () => {
    assert.equal(retryAfterMs('2', 0), 2000);
    assert.equal(retryAfterMs('Thu, 01 Jan 1970 00:00:05 GMT', 1000), 4000);
    assert.equal(retryAfterMs('soon', 0), null);
  });

  it('URLs come from POSTMORTEM_ variables only, https (http only on loopback), and are never quoted', () => {
    const t = { type: 'webhook' as const, urlEnv: 'POSTMORTEM_H', secretEnv: 'POSTMORTEM_S' };
    assert.deepEqual(resolveTarget(t, { POSTMORTEM_H: 'https://h.example/x', POSTMORTEM_S: 's' }), { url: 'https://h.example/x', secret: 's' });
    assert.match(JSON.stringify(resolveTarget(t, {})), /POSTMORTEM_H is not set/);
    assert.match(JSON.stringify(resolveTarget(t, { POSTMORTEM_H: 'http://h.example/TOKEN', POSTMORTEM_S: 's' })), /must hold an https URL/);
    assert.ok(!JSON.stringify(resolveTarget(t, { POSTMORTEM_H: 'http://h.example/TOKEN' })).includes('TOKEN'));
    assert.match(JSON.stringify(resolveTarget(t, { POSTMORTEM_H: 'http://127.0.0.1:9/x' })), /POSTMORTEM_S is not set/);
    assert.match(JSON.stringify(resolveTarget({ type: 'slack', urlEnv: 'GITHUB_TOKEN' }, { GITHUB_TOKEN: 'https://x' })), /only environment variables starting with POSTMORTEM_/);
    assert.equal(redactor(['https://hooks.example/services/T1/B2/SECRET'])('bad https://hooks.example/services/T1/B2/SECRET and /services/T1/B2/SECRET'), 'bad *** and ***');
  });

  it('retries 5xx with back-off, honours Retry-After (capped), gives up on 4xx, and stops at the deadline', async () => {
    const answers: [number, Record<string, string>][] = [];
    const server = createServer((req, res) => {
      req.resume();
      const [status, headers] = answers.shift() ?? [200, {}];
      res.writeHead(status, headers).end(status === 400 ? `invalid for ${req.url}` : '');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook/SECRET-PATH-123`;
    const opts = { timeoutMs: 2000, deadline: Date.now() + 20_000, maxAttempts: 4, backoffMs: 50, retryAfterCapMs: 300, redact: redactor([url]) };
    const request = () => ({ url, headers: {}, body: '{}' });
    try {
      answers.push([500, {}], [503, {}]);
      const r1 = await post(request, opts);
      assert.deepEqual([r1.delivered, r1.attempts, r1.status], [true, 3, 200]);
      answers.push([429, { 'retry-after': '60' }]);
      const t0 = Date.now();
      const r2 = await post(request, opts);
      assert.deepEqual([r2.delivered, r2.attempts], [true, 2]);
      assert.ok(Date.now() - t0 >= 290 && Date.now() - t0 < 3000, 'Retry-After 60 s waited only the cap');
      answers.push([400, {}]);
      const r3 = await post(request, opts);
      assert.deepEqual([r3.delivered, r3.attempts, r3.status], [false, 1, 400]);
      assert.equal(r3.error, 'HTTP 400: invalid for *** (1 attempt)', 'the answer shown, its secret masked');
      answers.push([500, {}], [500, {}], [500, {}], [500, {}]);
      const r4 = await post(request, opts);
      assert.deepEqual([r4.delivered, r4.attempts, r4.error], [false, 4, 'HTTP 500 (4 attempts)']);
      answers.push([500, {}], [500, {}]);
      const r5 = await post(request, { ...opts, backoffMs: 5000, deadline: Date.now() + 1000 });
      assert.deepEqual([r5.delivered, r5.attempts, r5.error], [false, 1, 'HTTP 500; no time left to try again before the deadline (1 attempt)']);
      answers.length = 0;
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('notify: the webhook signature, as a receiver checks it', () => {
  it('is v1,<base64 HMAC-SHA256 of "id.timestamp.body"> with the key of a whsec_ secret', () => {
    const key = Buffer.from('a fixed 32-byte key for the test');
    const secret = `whsec_${key.toString('base64')}`;
    const body = '{"type":"incident.opened"}';
    const h = signatureHeaders('msg_1', body, secret, 1_735_689_600_500);
    assert.equal(h['webhook-id'], 'msg_1');
    assert.equal(h['webhook-timestamp'], '1735689600');
    // The receiver: strip whsec_, decode, HMAC the id, timestamp and raw body joined with dots, compare each v1 signature.
    const expected = createHmac('sha256', key).update(`msg_1.1735689600.${body}`).digest();
    const given = h['webhook-signature']!.split(' ').map((s) => Buffer.from(s.replace(/^v1,/, ''), 'base64'));
    assert.ok(given.some((g) => g.length === expected.length && timingSafeEqual(g, expected)));
    // The Standard Webhooks test vector (libraries' own tests): the same key, id, timestamp and body give this signature.
    const vector = signatureHeaders('msg_p5jXN8AQM9LWM0D4loKWxJek', '{"test": 2432232314}', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 1_614_265_330_000);
    assert.equal(vector['webhook-signature'], 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

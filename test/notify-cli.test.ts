/**
 * `postmortem notify` as CI runs it, against local servers on 127.0.0.1 that play each platform: a publish that opens
 * an incident, posts an update to another and resolves a third sends exactly the expected messages to each target
 * (Slack failing twice then accepting, Discord answering 429 with Retry-After, Teams, a signed webhook checked as a
 * receiver checks it, and a target that hangs); nothing on a re-run; the live site's snapshot fetched past caches,
 * missing (a first run) or failing (nothing sent); an outbox sent again; no secret ever printed.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { BIN, runCli, tempProject, VALID_INCIDENT, type RunResult } from './helpers/cli.js';

const BASE = 'https://acme.github.io/status/';
const SITE = `title: Acme Status
base_url: ${BASE}
services:
  - { id: api, name: API }
  - { id: website, name: Website }
notify:
  - { type: slack, url_env: POSTMORTEM_SLACK_URL }
  - { type: discord, url_env: POSTMORTEM_DISCORD_URL, services: [api] }
  - { type: teams, url_env: POSTMORTEM_TEAMS_URL, events: [resolved] }
  - { type: webhook, url_env: POSTMORTEM_HOOK_URL, secret_env: POSTMORTEM_HOOK_SECRET, events: [opened, update, resolved, service_status] }
  - { type: webhook, url_env: POSTMORTEM_HANG_URL, secret_env: POSTMORTEM_HOOK_SECRET, events: [opened] }
`;

const A_BEFORE = `---
title: Slow database queries
summary: Queries to the main database are slow.
severity: minor
started: 2024-12-31T20:00:00Z
services: [api]
timeline:
  - at: 2024-12-31T20:10:00Z
    status: investigating
    text: We are looking into slow queries.
---
`;
const A_AFTER = `${A_BEFORE.slice(0, -4)}  - at: 2024-12-31T22:00:00Z
    status: identified
    text: We found a slow query and are adding an index.
---
`;
const B_BEFORE = `---
title: Login errors
summary: Some logins fail.
severity: major
started: 2024-12-31T21:00:00Z
services: [website]
timeline:
  - at: 2024-12-31T21:05:00Z
    status: investigating
    text: Some users cannot log in.
---
`;
const B_AFTER = `---
title: Login errors
summary: Some logins fail.
severity: major
started: 2024-12-31T21:00:00Z
resolved: 2024-12-31T23:30:00Z
root_cause: An expired certificate.
services: [website]
timeline:
  - at: 2024-12-31T21:05:00Z
    status: investigating
    text: Some users cannot log in.
  - at: 2024-12-31T23:00:00Z
    status: monitoring
    text: A new certificate is in place; we are watching logins.
  - at: 2024-12-31T23:30:00Z
    status: resolved
    text: Logins work again.
---
`;
const D_NEW = `---
title: API outage
summary: The API does not answer.
severity: critical
started: 2024-12-31T23:40:00Z
services: [api]
timeline:
  - at: 2024-12-31T23:45:00Z
    status: investigating
    text: The API is down; see the [provider's status](https://status.example.net/) <!here> @everyone.
---
`;

/** The secrets of the run: none of them may appear in any output. */
const SECRETS = ['SLACKSECRET1', 'DISCORDSECRET2', 'TEAMSSECRET3', 'HOOKSECRET4', 'HANGSECRET5'];
const HOOK_KEY = Buffer.from('0123456789abcdef0123456789abcdef');
const HOOK_SECRET = `whsec_${HOOK_KEY.toString('base64')}`;

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** A local server that plays a platform: answers the n-th request (0-based) as `script` says, and records each. */
async function platform(script: (n: number, req: IncomingMessage) => Answer): Promise<{ url: (secret: string) => string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = received.length;
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const a = script(n, req);
      if (a === 'hang') return;
      res.writeHead(a.status, a.headers ?? {}).end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: (secret) => `http://127.0.0.1:${port}/hooks/${secret}`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A receiver's check of a Standard Webhooks request (written from the specification, not from our code). */
function verifyStandardWebhook(r: Received, secret: string, nowSeconds: number): boolean {
  const id = String(r.headers['webhook-id']);
  const ts = String(r.headers['webhook-timestamp']);
  if (!/^\d+$/.test(ts) || Math.abs(nowSeconds - Number(ts)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${r.body}`).digest();
  return String(r.headers['webhook-signature'])
    .split(' ')
    .some((s) => {
      const [version, sig] = s.split(',');
      const given = Buffer.from(sig ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

function assertNoSecret(...outputs: string[]): void {
  for (const out of outputs) for (const s of [...SECRETS, HOOK_SECRET, HOOK_KEY.toString('base64')]) assert.ok(!out.includes(s), `a secret was printed: ${s}\n${out}`);
}

const json = (r: Received) => JSON.parse(r.body) as Record<string, unknown>;

describe('postmortem notify, end to end', () => {
  let project: { dir: string; cleanup: () => Promise<void> };
  let previous: string;
  let current: string;
  let work: string;

  before(async () => {
    project = await tempProject({ 'site.yaml': SITE, 'incidents/2024-05-01-old.md': VALID_INCIDENT, 'incidents/2024-12-31-db-latency.md': A_BEFORE, 'incidents/2024-12-31-login-errors.md': B_BEFORE });
    work = await mkdtemp(path.join(tmpdir(), 'pm-notify-'));
    previous = path.join(work, 'previous');
    current = path.join(work, 'current');
    const b1 = await runCli(['build', project.dir, '--out', previous]);
    assert.equal(b1.code, 0, b1.stderr);
    await writeFile(path.join(project.dir, 'incidents/2024-12-31-db-latency.md'), A_AFTER);
    await writeFile(path.join(project.dir, 'incidents/2024-12-31-login-errors.md'), B_AFTER);
    await writeFile(path.join(project.dir, 'incidents/2024-12-31-api-outage.md'), D_NEW);
    const b2 = await runCli(['build', project.dir, '--out', current]);
    assert.equal(b2.code, 0, b2.stderr);
  });
  after(async () => {
    await project.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  const notify = (args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> => runCli(['notify', '--root', project.dir, '--site', current, ...args], { env });

  it('sends exactly the expected messages to each target, retrying as each platform asks; a hanging one fails alone', async () => {
    const slack = await platform((n) => (n < 2 ? { status: 500, body: 'internal_error' } : { status: 200, body: 'ok' }));
    const discord = await platform((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '2' }, body: '{"message":"You are being rate limited.","retry_after":2}' } : { status: 204 }));
    const teams = await platform(() => ({ status: 202 }));
    const hook = await platform(() => ({ status: 200 }));
    const hang = await platform(() => 'hang');
    const servers: { close(): Promise<void> }[] = [];
    const outbox = path.join(work, 'outbox.json');
    const env = {
      POSTMORTEM_SLACK_URL: slack.url(SECRETS[0]!),
      POSTMORTEM_DISCORD_URL: discord.url(SECRETS[1]!),
      POSTMORTEM_TEAMS_URL: teams.url(SECRETS[2]!),
      POSTMORTEM_HOOK_URL: hook.url(SECRETS[3]!),
      POSTMORTEM_HANG_URL: hang.url(SECRETS[4]!),
      POSTMORTEM_HOOK_SECRET: HOOK_SECRET,
    };
    try {
      const t0 = Date.now();
      const r = await notify(['--previous', previous, '--timeout', '1', '--deadline', '6', '--outbox', outbox], env);
      const seconds = (Date.now() - t0) / 1000;
      assert.equal(r.code, 1, `a message was not delivered: exit 1\n${r.stdout}${r.stderr}`);
      assertNoSecret(r.stdout, r.stderr, await readFile(outbox, 'utf8'));

      assert.match(r.stdout, /^5 changes since the live site \(.*previous\/api\/notify\.json, built 1 Jan 2025, 00:00 UTC\):\n  Update +Slow database queries \[2024-12-31-db-latency\]\n  Resolved, postmortem published +Login errors \[2024-12-31-login-errors\]\n  New incident +API outage \[2024-12-31-api-outage\]\n  Status changed +API: Degraded performance → Major outage\n  Status changed +Website: Partial outage → Operational\n/);
      assert.match(r.stdout, /^slack \(POSTMORTEM_SLACK_URL\): 3 messages delivered$/m);
      assert.match(r.stdout, /^discord \(POSTMORTEM_DISCORD_URL\): 2 messages delivered$/m);
      assert.match(r.stdout, /^teams \(POSTMORTEM_TEAMS_URL\): 1 message delivered$/m);
      assert.match(r.stdout, /^webhook \(POSTMORTEM_HOOK_URL\): 5 messages delivered$/m);
      assert.match(r.stdout, /^webhook \(POSTMORTEM_HANG_URL\): 0 of 1 message delivered\n  not delivered: opened "API outage": no answer (within 1 s|before the deadline)(; no time left to try again before the deadline)? \(3 attempts\)$/m);
      assert.match(r.stderr, /1 undelivered message saved to .*outbox\.json; send them again with: postmortem notify --resend /);

      // Slack: failed twice, then accepted; after a wait of 1 s, then 2 s (back-off); one message per incident.
      assert.equal(slack.received.length, 5);
      assert.equal(slack.received[0]!.body, slack.received[2]!.body, 'the same message again');
      assert.ok(slack.received[1]!.at - slack.received[0]!.at >= 900 && slack.received[2]!.at - slack.received[1]!.at >= 1900, 'back-off of 1 s, then 2 s');
      assert.ok(slack.received.every((x) => x.path === `/hooks/${SECRETS[0]}` && x.headers['content-type'] === 'application/json'));
      assert.deepEqual(slack.received.slice(2).map((x) => (json(x).blocks as { text?: { text: string } }[])[0]!.text!.text), ['Update: Slow database queries', 'Resolved, postmortem published: Login errors', 'New incident: API outage']);
      assert.deepEqual(json(slack.received[4]!), {
        text: `New incident: API outage ${BASE}incidents/2024-12-31-api-outage/`,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'New incident: API outage', emoji: false } },
          { type: 'section', text: { type: 'mrkdwn', text: "The API is down; see the <https://status.example.net/|provider's status>  @everyone." } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: '*Status:* Investigating   *Impact:* Major outage   *Services:* API   *Started:* 31 Dec 2024, 23:40 UTC' }] },
          { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'View incident', emoji: false }, url: `${BASE}incidents/2024-12-31-api-outage/` }] },
          { type: 'context', elements: [{ type: 'mrkdwn', text: `<${BASE}|Acme Status>` }] },
        ],
        unfurl_links: false,
        unfurl_media: false,
      });

      // Discord: 429 with Retry-After: 1, waited, then the two messages about the API only.
      assert.equal(discord.received.length, 3);
      assert.ok(discord.received[1]!.at - discord.received[0]!.at >= 1900, 'Retry-After: 2 honoured (not the 1 s back-off)');
      assert.deepEqual(json(discord.received[1]!), {
        embeds: [
          {
            title: 'Update: Slow database queries',
            url: `${BASE}incidents/2024-12-31-db-latency/`,
            description: 'We found a slow query and are adding an index.',
            color: 0xbf8700,
            fields: [
              { name: 'Status', value: 'Identified', inline: true },
              { name: 'Impact', value: 'Degraded performance', inline: true },
              { name: 'Services', value: 'API', inline: true },
              { name: 'Started', value: '31 Dec 2024, 20:00 UTC', inline: true },
            ],
            footer: { text: 'Acme Status' },
            timestamp: '2024-12-31T22:00:00Z',
          },
        ],
        allowed_mentions: { parse: [] },
      });
      assert.equal((json(discord.received[2]!).embeds as { title: string }[])[0]!.title, 'New incident: API outage');

      // Teams: the one resolution, as an Adaptive Card through a Workflows webhook.
      assert.equal(teams.received.length, 1);
      assert.deepEqual(json(teams.received[0]!), {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            contentUrl: null,
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              msteams: { width: 'Full' },
              body: [
                {
                  type: 'Container',
                  style: 'good',
                  bleed: true,
                  items: [
                    { type: 'TextBlock', text: 'Resolved', weight: 'Bolder', size: 'Small', wrap: true },
                    { type: 'TextBlock', text: 'Login errors', weight: 'Bolder', size: 'Large', wrap: true },
                  ],
                },
                { type: 'TextBlock', text: 'Logins work again.', wrap: true },
                {
                  type: 'FactSet',
                  facts: [
                    { title: 'Status', value: 'Resolved' },
                    { title: 'Services', value: 'Website' },
                    { title: 'Started', value: '31 Dec 2024, 21:00 UTC' },
                    { title: 'Resolved', value: '31 Dec 2024, 23:30 UTC' },
                  ],
                },
                { type: 'TextBlock', text: 'Acme Status', isSubtle: true, size: 'Small', wrap: true },
              ],
              actions: [{ type: 'Action.OpenUrl', title: 'View incident', url: `${BASE}incidents/2024-12-31-login-errors/` }],
            },
          },
        ],
      });

      // The signed webhook: five events, each verified as a receiver would.
      assert.deepEqual(hook.received.map((x) => json(x).type), ['incident.updated', 'incident.resolved', 'incident.opened', 'service.status_changed', 'service.status_changed']);
      for (const x of hook.received) assert.ok(verifyStandardWebhook(x, HOOK_SECRET, Math.floor(Date.now() / 1000)), `signature of ${x.body}`);
      const tampered = { ...hook.received[0]!, body: hook.received[0]!.body.replace('slow', 'fast') };
      assert.equal(verifyStandardWebhook(tampered, HOOK_SECRET, Math.floor(Date.now() / 1000)), false, 'a changed body fails the check');
      assert.equal(verifyStandardWebhook(hook.received[0]!, `whsec_${Buffer.from('another key of thirty-two bytes!').toString('base64')}`, Math.floor(Date.now() / 1000)), false);
      const resolved = json(hook.received[1]!);
      assert.equal(hook.received[1]!.headers['webhook-id'], (resolved.data as { id: string }).id);
      assert.deepEqual(resolved, {
        type: 'incident.resolved',
        timestamp: '2024-12-31T23:30:00Z',
        data: {
          id: hook.received[1]!.headers['webhook-id'],
          events: ['update', 'resolved'],
          reopened: false,
          site: { title: 'Acme Status', url: BASE },
          incident: {
            id: '2024-12-31-login-errors',
            title: 'Login errors',
            url: `${BASE}incidents/2024-12-31-login-errors/`,
            maintenance: false,
            severity: 'major',
            status: 'resolved',
            phase: 'resolved',
            postmortem: true,
            started_at: '2024-12-31T21:00:00Z',
            resolved_at: '2024-12-31T23:30:00Z',
            summary: 'Some logins fail.',
            services: [{ id: 'website', name: 'Website', impact: 'partial_outage' }],
          },
          update: { at: '2024-12-31T23:30:00Z', status: 'resolved', text: 'Logins work again.', text_plain: 'Logins work again.' },
          previous: { status: 'investigating', phase: 'open' },
        },
      });
      assert.deepEqual((json(hook.received[3]!).data as { service: unknown }).service, { id: 'api', name: 'API', url: `${BASE}services/api/`, status: 'major_outage', previous_status: 'degraded_performance' });

      // The hanging target: tried until the deadline; the others did not wait for it.
      assert.equal(hang.received.length, 3);
      assert.ok(seconds < 20, `took ${seconds} s`);
      assert.ok(hook.received[4]!.at - t0 < 4000, 'the webhook was not held up by the hanging target');

      const saved = JSON.parse(await readFile(outbox, 'utf8')) as { messages: { id: string; target: unknown; event: string; body: string }[] };
      assert.deepEqual(saved.messages.map((m) => [m.target, m.event]), [[{ type: 'webhook', url_env: 'POSTMORTEM_HANG_URL', secret_env: 'POSTMORTEM_HOOK_SECRET' }, 'opened']]);
      assert.equal(saved.messages[0]!.body, hang.received[0]!.body);

      // The outbox sent again: refused once (the answer quoting the URL is masked), then delivered with the same id.
      const refusing = await platform((_n, req) => ({ status: 404, body: `no such hook: ${req.url}` }));
      servers.push(refusing);
      const r2 = await runCli(['notify', '--resend', outbox], { env: { POSTMORTEM_HANG_URL: refusing.url(SECRETS[4]!), POSTMORTEM_HOOK_SECRET: HOOK_SECRET } });
      assert.equal(r2.code, 1);
      assert.match(r2.stdout, /not delivered: opened "API outage": HTTP 404: no such hook: \*\*\* \(1 attempt\)/);
      assertNoSecret(r2.stdout, r2.stderr);
      const accepting = await platform(() => ({ status: 200 }));
      servers.push(accepting);
      const r3 = await runCli(['notify', '--resend', outbox], { env: { POSTMORTEM_HANG_URL: accepting.url(SECRETS[4]!), POSTMORTEM_HOOK_SECRET: HOOK_SECRET } });
      assert.equal(r3.code, 0, r3.stdout + r3.stderr);
      assert.equal(accepting.received[0]!.headers['webhook-id'], saved.messages[0]!.id, 'a receiver that got it after all can drop the copy');
      assert.equal(accepting.received[0]!.body, saved.messages[0]!.body);
      assert.ok(verifyStandardWebhook(accepting.received[0]!, HOOK_SECRET, Math.floor(Date.now() / 1000)));
      await assert.rejects(access(outbox), 'an outbox delivered in full is removed');
    } finally {
      await Promise.all([slack, discord, teams, hook, hang, ...servers].map((x) => x.close()));
    }
  });

  it('announces nothing when the publish is run again, and --dry-run prints what would be sent without any secret', async () => {
    const again = await notify(['--previous', current], { POSTMORTEM_SLACK_URL: 'https://127.0.0.1:9/never' });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^0 changes since the live site/);
    assert.doesNotMatch(again.stdout, /delivered/);

    const dry = await notify(['--previous', previous, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal((dry.stdout.match(/^── message \d+ of 12 · /gm) ?? []).length, 12);
    assert.match(dry.stdout, /^── message 11 of 12 · webhook \(POSTMORTEM_HOOK_URL\) · service_status · Website\nwebhook-id: msg_[\w-]+\nwebhook-timestamp: \(the time it is sent\)\nwebhook-signature: v1,\(HMAC-SHA256 with the secret of POSTMORTEM_HOOK_SECRET, made when it is sent\)\n\{\n  "type": "service\.status_changed",/m);
    const json = await notify(['--previous', previous, '--dry-run', '--format', 'json']);
    const report = JSON.parse(json.stdout) as { changes: unknown[]; messages: { delivered: null; target: { url_env: string } }[] };
    assert.equal(report.changes.length, 5);
    assert.equal(report.messages.length, 12);
    assert.ok(report.messages.every((m) => m.delivered === null));
  });

  it('a run cancelled while sending (SIGTERM, as CI cancels a job) keeps what it did not send in the outbox, exit 130', async () => {
    const hang = await platform(() => 'hang');
    const outbox = path.join(work, 'cancelled.json');
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, SOURCE_DATE_EPOCH: '1735689600', POSTMORTEM_SLACK_URL: hang.url(SECRETS[0]!) };
      delete env.NODE_TEST_CONTEXT;
      const child = spawn(process.execPath, [BIN, 'notify', '--root', project.dir, '--site', current, '--previous', previous, '--outbox', outbox, '--timeout', '30'], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      while (hang.received.length === 0) await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      assert.equal(code, 130, stdout + stderr);
      assert.ok(Date.now() - t0 < 5000, 'stopped at once, not after the 30 s timeout');
      const saved = JSON.parse(await readFile(outbox, 'utf8')) as { messages: { event: string; subject: string; error: string }[] };
      // Slack's three messages (the other targets have no URL here: not sent either, kept too).
      const slack = saved.messages.filter((m) => m.error.includes('cancelled'));
      assert.deepEqual(slack.map((m) => [m.event, m.subject, m.error]), [
        ['update', 'Slow database queries', 'the run was cancelled while sending it (1 attempt)'],
        ['postmortem', 'Login errors', 'not sent: the run was cancelled'],
        ['opened', 'API outage', 'not sent: the run was cancelled'],
      ]);
      assert.match(stderr, /undelivered messages saved to /);
      assertNoSecret(stdout, stderr);
    } finally {
      await hang.close();
    }
  });

  it('a target whose variable is missing, or not an https URL, fails alone, saying which variable, never its value', async () => {
    const hook = await platform(() => ({ status: 200 }));
    try {
      const r = await notify(['--previous', previous], { POSTMORTEM_HOOK_URL: hook.url(SECRETS[3]!), POSTMORTEM_HOOK_SECRET: HOOK_SECRET, POSTMORTEM_SLACK_URL: `http://hooks.example.com/${SECRETS[0]}` });
      assert.equal(r.code, 1);
      assert.equal(hook.received.length, 5, 'the webhook got its messages');
      assert.match(r.stdout, /not delivered: update "Slow database queries": not sent: POSTMORTEM_SLACK_URL must hold an https URL/);
      assert.match(r.stdout, /not delivered: resolved "Login errors": not sent: POSTMORTEM_TEAMS_URL is not set: expose the teams URL to this step under that name/);
      assert.match(r.stderr, /Messages not delivered are lost: the next run compares with the live site/);
      assertNoSecret(r.stdout, r.stderr);
    } finally {
      await hook.close();
    }
  });
});

describe('postmortem notify and the live site', () => {
  let project: { dir: string; cleanup: () => Promise<void> };
  let work: string;
  let current: string;
  let snapshot: string;

  before(async () => {
    project = await tempProject({ 'site.yaml': SITE.replace(/notify:[\s\S]*$/, 'notify:\n  - { type: slack, url_env: POSTMORTEM_SLACK_URL }\n'), 'incidents/2024-12-31-api-outage.md': D_NEW, 'incidents/2024-05-01-old.md': VALID_INCIDENT });
    work = await mkdtemp(path.join(tmpdir(), 'pm-notify-live-'));
    current = path.join(work, 'current');
    const b = await runCli(['build', project.dir, '--out', current]);
    assert.equal(b.code, 0, b.stderr);
    snapshot = await readFile(path.join(current, 'api/notify.json'), 'utf8');
  });
  after(async () => {
    await project.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  /** The live site: answers api/notify.json as told. */
  const live = (answer: Answer) => platform(() => answer);
  const notify = (args: string[], env: Record<string, string> = {}) => runCli(['notify', '--root', project.dir, '--site', current, ...args], { env });

  it('--save-previous fetches the live snapshot past any cache; the publish of the same site then sends nothing', async () => {
    const host = await live({ status: 200, headers: { 'content-type': 'application/json' }, body: snapshot });
    const slack = await platform(() => ({ status: 200 }));
    const dir = path.join(work, 'saved');
    try {
      const base = host.url('status/').replace('/hooks/', '/');
      const r = await notify(['--save-previous', dir, '--previous', base]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Saved the live site's snapshot \(built 1 Jan 2025, 00:00 UTC\) to .*saved; after the deploy: postmortem notify --previous /);
      assert.equal(host.received.length, 1);
      assert.match(host.received[0]!.path, /^\/status\/api\/notify\.json\?postmortem-notify=\d+$/, 'a query no cache has seen');
      assert.equal(host.received[0]!.headers['cache-control'], 'no-cache');
      assert.equal(await readFile(path.join(dir, 'api/notify.json'), 'utf8'), snapshot);
      const n = await notify(['--previous', dir], { POSTMORTEM_SLACK_URL: slack.url('x') });
      assert.equal(n.code, 0, n.stderr);
      assert.match(n.stdout, /^0 changes since the live site/);
      assert.equal(slack.received.length, 0);
    } finally {
      await host.close();
      await slack.close();
    }
  });

  it('a first run (404) sends nothing unless asked, and then only what is going on now', async () => {
    const host = await live({ status: 404, body: 'not found' });
    const slack = await platform(() => ({ status: 200 }));
    const base = host.url('status/').replace('/hooks/', '/');
    try {
      const r = await notify(['--previous', base], { POSTMORTEM_SLACK_URL: slack.url('x') });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^First run: .*\/status\/api\/notify\.json has no snapshot .* Nothing was sent; --first-run announces what is going on now\.\n$/);
      assert.equal(slack.received.length, 0);
      const dir = path.join(work, 'first');
      assert.equal((await notify(['--save-previous', dir, '--previous', base])).code, 0);
      const f = await notify(['--previous', dir, '--first-run'], { POSTMORTEM_SLACK_URL: slack.url('x') });
      assert.equal(f.code, 0, f.stderr);
      assert.match(f.stdout, /^1 change since an empty site \(first run: .*first\/api\/notify\.json has none\):\n  New incident  API outage \[2024-12-31-api-outage\]\n/);
      assert.equal(slack.received.length, 1, 'the ongoing incident, not the one resolved long ago');
    } finally {
      await host.close();
      await slack.close();
    }
  });

  for (const [what, answer, message] of [
    ['answers 503', { status: 503, body: 'busy' }, /the live site answered HTTP 503 for .*; nothing was sent/],
    ['hangs', 'hang', /could not be read: no answer within 1 s; nothing was sent/],
    ['serves something else', { status: 200, body: '<!doctype html><title>Oops</title>' }, /is not JSON: not a snapshot postmortem wrote/],
  ] as const) {
    it(`a live site that ${what} fails the command without sending anything`, async () => {
      const host = await live(answer);
      const slack = await platform(() => ({ status: 200 }));
      try {
        const r = await notify(['--previous', host.url('status/').replace('/hooks/', '/'), '--timeout', '1'], { POSTMORTEM_SLACK_URL: slack.url('x') });
        assert.equal(r.code, 1);
        assert.match(r.stderr, message);
        assert.equal(slack.received.length, 0);
      } finally {
        await host.close();
        await slack.close();
      }
    });
  }

  it('misuse is exit 2 with the fix; a live site built later refuses to go backwards', async () => {
    const none = await notify([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /expected --previous DIR_OR_URL/);
    const nowhere = await notify(['--previous', path.join(work, 'nowhere')]);
    assert.equal(nowhere.code, 1, 'the step that saves the live snapshot failed: this run fails too');
    assert.match(nowhere.stderr, /nowhere is not a folder: the live site before the deploy is unknown \(did `postmortem notify --save-previous` fail before it\?\), so no change can be derived; nothing was sent/);
    assert.equal((await notify(['--previous', current, '--site', path.join(work, 'nowhere')])).code, 2, 'no built site: misuse');
    assert.match((await notify(['--previous', current, '--timeout', 'soon'])).stderr, /--timeout must be a number of seconds from 0\.1 to 600; found "soon"/);
    assert.match((await notify(['--resend', 'x', '--save-previous', 'y'])).stderr, /either --save-previous DIR .* or --resend FILE, not both/);
    const site = await readFile(path.join(project.dir, 'site.yaml'), 'utf8');
    await writeFile(path.join(project.dir, 'site.yaml'), site.replace('url_env: POSTMORTEM_SLACK_URL', 'url_env: SLACK_URL'));
    try {
      const bad = await notify(['--previous', current]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^site\.yaml:7:29 error notify\[0\]\.url_env must name an environment variable that starts with POSTMORTEM_ .*\n[\s\S]*Nothing was sent: fix site\.yaml first \(postmortem check\)\.\n$/);
    } finally {
      await writeFile(path.join(project.dir, 'site.yaml'), site);
    }
    const later = path.join(work, 'later');
    const b = await runCli(['build', project.dir, '--out', later], { env: { SOURCE_DATE_EPOCH: String(1_735_689_600 + 3600) } });
    assert.equal(b.code, 0);
    const r = await notify(['--previous', later]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the live site \(built 1 Jan 2025, 01:00 UTC\) is newer than this build \(1 Jan 2025, 00:00 UTC\): a later publish went first; nothing was sent/);
  });
});

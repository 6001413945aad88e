/**
 * site.yaml's `notify:` targets: normalized, every mistake located with the fix, a value that may be a secret never
 * repeated; and adding, changing or removing a target leaves the build cache and every output file as they were.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat, writeFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, configTextWithoutNotify } from '../src/validate/index.js';
import { cacheKey, CACHE_DIR } from '../src/project/index.js';
import type { Diagnostic } from '../src/core/index.js';
import { runCli, tempProject, VALID_INCIDENT } from './helpers/cli.js';

const SITE = 'title: Acme Status\nbase_url: https://acme.github.io/status/\nservices:\n  - id: api\n    name: API\n  - id: website\n    name: Website\n';

function diagnostics(notify: string): Diagnostic[] {
  const r = loadConfig(`${SITE}notify:\n${notify}`);
  assert.equal(r.config, null, 'no configuration when there is an error');
  assert.deepEqual(r.notify, []);
  return r.diagnostics;
}

const at = (d: Diagnostic) => [d.rule, d.line, d.column];

describe('notify targets in site.yaml', () => {
  it('are normalized apart from the site configuration, with every event but service_status by default', () => {
    const r = loadConfig(
      `${SITE}notify:\n  - { type: slack, url_env: POSTMORTEM_SLACK_URL, services: [api], events: [opened, update, resolved] }\n  - type: webhook\n    url_env: POSTMORTEM_HOOK_URL\n    secret_env: POSTMORTEM_HOOK_SECRET\n`,
    );
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.notify, [
      { type: 'slack', urlEnv: 'POSTMORTEM_SLACK_URL', services: ['api'], events: ['opened', 'update', 'resolved'] },
      { type: 'webhook', urlEnv: 'POSTMORTEM_HOOK_URL', secretEnv: 'POSTMORTEM_HOOK_SECRET', events: ['opened', 'update', 'resolved', 'postmortem', 'scheduled', 'started', 'completed'] },
    ]);
    assert.equal('notify' in r.config!, false, 'the site configuration (page keys, templates) knows nothing of targets');
    assert.deepEqual(loadConfig(SITE).notify, []);
  });

  it('only POSTMORTEM_ variables may be named, with the name to use', () => {
    const [d, ...rest] = diagnostics('  - { type: slack, url_env: GITHUB_TOKEN }\n');
    assert.equal(rest.length, 0);
    assert.deepEqual(at(d!), ['invalid-format', 9, 29]);
    assert.equal(d!.message, 'notify[0].url_env must name an environment variable that starts with POSTMORTEM_ (upper-case letters, digits and _); found "GITHUB_TOKEN"');
    assert.match(d!.hint!, /^write POSTMORTEM_GITHUB_TOKEN and expose the secret .* lest a pull request send another secret of the CI job/);
    assert.deepEqual(at(diagnostics('  - { type: slack, url_env: postmortem_slack }\n')[0]!), ['invalid-format', 9, 29]);
  });

  it('a URL or secret written in place of a name is never repeated', () => {
    const secret = 'https://hooks.slack.com/services/T0000/B0000/SECRETTOKEN123';
    const [d] = diagnostics(`  - { type: slack, url_env: "${secret}" }\n`);
    assert.deepEqual(at(d!), ['invalid-format', 9, 29]);
    assert.match(d!.message, /must be the name of an environment variable .*not the value itself/);
    assert.match(d!.hint!, /revoke it/);
    const all = JSON.stringify(d);
    assert.ok(!all.includes('SECRETTOKEN') && !all.includes('hooks.slack.com'), all);
    const [s] = diagnostics('  - { type: webhook, url_env: POSTMORTEM_HOOK, secret_env: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }\n');
    assert.equal(s!.rule, 'invalid-format');
    assert.ok(!JSON.stringify(s).includes('MfKQ9r8'), JSON.stringify(s));
  });

  it('`url:` in a target: the secret does not belong in the file', () => {
    const d = diagnostics('  - { type: slack, url: "https://hooks.slack.com/x" }\n').find((x) => x.rule === 'unknown-key');
    assert.deepEqual(at(d!), ['unknown-key', 9, 20]);
    assert.match(d!.hint!, /is a secret: set it in a CI secret exposed as an environment variable named POSTMORTEM_…/);
  });

  it('webhooks need secret_env; other types take none', () => {
    const [w] = diagnostics('  - type: webhook\n    url_env: POSTMORTEM_HOOK_URL\n');
    assert.deepEqual(at(w!), ['missing-key', 9, 5]);
    assert.match(w!.message, /missing required key "secret_env" in notify\[0\]/);
    const [s] = diagnostics('  - type: teams\n    url_env: POSTMORTEM_TEAMS_URL\n    secret_env: POSTMORTEM_X\n');
    assert.deepEqual(at(s!), ['unknown-key', 11, 5]);
    assert.equal(s!.message, 'secret_env applies only to type webhook; a teams URL is its own secret');
  });

  it('types, events and services are checked, with "did you mean"', () => {
    const [t] = diagnostics('  - { type: slak, url_env: POSTMORTEM_A }\n');
    assert.deepEqual(at(t!), ['invalid-enum', 9, 13]);
    assert.equal(t!.hint, 'did you mean "slack"?');
    const [e] = diagnostics('  - { type: discord, url_env: POSTMORTEM_A, events: [opened, resloved] }\n');
    assert.deepEqual(at(e!), ['invalid-enum', 9, 62]);
    assert.equal(e!.hint, 'did you mean "resolved"?');
    const [s] = diagnostics('  - { type: discord, url_env: POSTMORTEM_A, services: [apii] }\n');
    assert.deepEqual(at(s!), ['unknown-service', 9, 56]);
    assert.equal(s!.message, 'notify[0].services: unknown service "apii"; expected one of api, website');
    assert.equal(s!.hint, 'did you mean "api"?');
  });

  it('`postmortem check` reports them at their line, like any other mistake', async () => {
    const p = await tempProject({ 'site.yaml': `${SITE}notify:\n  - { type: slack, url_env: SLACK_URL }\n`, 'incidents/2024-05-01-api.md': VALID_INCIDENT });
    try {
      const r = await runCli(['check', p.dir, '--format', 'github']);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^::error file=site\.yaml,line=9,col=29,.*title=postmortem invalid-format::notify\[0\]\.url_env must name an environment variable that starts with POSTMORTEM_/m);
    } finally {
      await p.cleanup();
    }
  });
});

describe('notify targets and the build cache', () => {
  it('site.yaml without notify: is the same text for the cache, whatever the targets', () => {
    const a = configTextWithoutNotify(SITE);
    const b = configTextWithoutNotify(`${SITE}notify:\n  - { type: slack, url_env: POSTMORTEM_SLACK_URL }\n`);
    const c = configTextWithoutNotify(`title: Acme Status\nnotify: # where to post\n  - { type: teams, url_env: POSTMORTEM_T }\nbase_url: https://acme.github.io/status/\nservices:\n  - id: api\n    name: API\n  - id: website\n    name: Website\n`);
    assert.equal(a, b);
    assert.equal(a, c);
    assert.equal(cacheKey({ configText: SITE, drafts: false, tool: 't' }), cacheKey({ configText: `${SITE}notify: []\n`, drafts: false, tool: 't' }));
    assert.notEqual(cacheKey({ configText: SITE, drafts: false, tool: 't' }), cacheKey({ configText: SITE.replace('Acme', 'Acme!'), drafts: false, tool: 't' }), 'anything else still counts');
    assert.equal(configTextWithoutNotify('title: [oops\n'), 'title: [oops\n', 'text that is not YAML is kept as it is');
  });

  it('adding, changing and removing a target keeps every cached result and reuses every output file', async () => {
    const p = await tempProject({ 'site.yaml': SITE, 'incidents/2024-05-01-api.md': VALID_INCIDENT, 'incidents/2024-06-01-web.md': VALID_INCIDENT.replace('[api]', '[website]') });
    const cache = path.join(p.dir, CACHE_DIR);
    const build = async () => {
      const r = await runCli(['build', p.dir]);
      assert.equal(r.code, 0, r.stderr);
      return Number(/\((\d+) unchanged, reused\)/.exec(r.stdout)?.[1] ?? 0);
    };
    // The results are stored under the cache key (blobs-<key>/, written when results are stored): the same folder,
    // untouched, means the same key and no result processed again.
    const cacheState = async () => {
      const names = (await readdir(cache)).filter((n) => n.startsWith('blobs-'));
      return Promise.all(names.map(async (n) => `${n}:${(await stat(path.join(cache, n))).mtimeMs}`));
    };
    try {
      await build();
      const unchanged = await build();
      const before = await cacheState();
      await appendFile(path.join(p.dir, 'site.yaml'), 'notify:\n  - { type: slack, url_env: POSTMORTEM_SLACK_URL }\n');
      assert.equal(await build(), unchanged, 'a target added: every file reused');
      await writeFile(path.join(p.dir, 'site.yaml'), `${SITE}notify:\n  - { type: webhook, url_env: POSTMORTEM_HOOK_URL, secret_env: POSTMORTEM_HOOK_SECRET, events: [resolved] }\n`);
      assert.equal(await build(), unchanged, 'a target changed: every file reused');
      await writeFile(path.join(p.dir, 'site.yaml'), SITE);
      assert.equal(await build(), unchanged, 'the targets removed: every file reused');
      assert.deepEqual(await cacheState(), before, 'the cached results were neither replaced nor written again');
      assert.ok(unchanged >= 8, `the incidents' pages and records are reused (${unchanged})`);
      await writeFile(path.join(p.dir, 'site.yaml'), SITE.replace('Acme Status', 'Acme'));
      assert.ok((await build()) < unchanged, 'a change to the site itself is still a change');
      assert.notDeepEqual(await cacheState(), before);
    } finally {
      await p.cleanup();
    }
  });
});

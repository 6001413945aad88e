/**
 * `postmortem check` through the real binary (node bin/postmortem.js, cwd = repository root):
 * one fixture folder per rule under test/fixtures/check/, temporary projects for what cannot be committed
 * (unreadable files, symbolic links, invalid UTF-8, files over 1 MiB, CRLF and BOM bytes), the three
 * output formats, exit codes, --help/--version, and the worked examples in incidents/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { tmpdir } from 'node:os';
import {
  checkJson,
  FIXTURES,
  REPO_ROOT,
  runCli,
  runMany,
  RUNNING_AS_ROOT,
  tempProject,
  VALID_INCIDENT,
  type JsonDiagnostic,
} from './helpers/cli.js';

const ANSI = /\u001b\[[0-9;]*m/;
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

interface Expected {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
  rule: string;
  message: string | RegExp;
  hint?: string | RegExp;
}

function assertDiagnostics(actual: readonly JsonDiagnostic[], expected: readonly Expected[]): void {
  assert.equal(actual.length, expected.length, `expected ${expected.length} diagnostics; got ${JSON.stringify(actual, null, 1)}`);
  expected.forEach((e, i) => {
    const a = actual[i]!;
    assert.deepEqual(
      { file: a.file, line: a.line, column: a.column, severity: a.severity, rule: a.rule },
      { file: e.file, line: e.line, column: e.column, severity: e.severity, rule: e.rule },
      `diagnostic ${i}: ${a.message}`,
    );
    if (typeof e.message === 'string') assert.equal(a.message, e.message);
    else assert.match(a.message, e.message);
    if (e.hint !== undefined) {
      if (typeof e.hint === 'string') assert.equal(a.hint, e.hint);
      else assert.match(a.hint ?? '', e.hint);
    }
  });
}

const E = (file: string, line: number, column: number, rule: string, message: string | RegExp, hint?: string | RegExp): Expected => ({
  file,
  line,
  column,
  severity: 'error',
  rule,
  message,
  ...(hint === undefined ? {} : { hint }),
});
const W = (file: string, line: number, column: number, rule: string, message: string | RegExp, hint?: string | RegExp): Expected => ({
  ...E(file, line, column, rule, message, hint),
  severity: 'warning',
});

/** One fixture folder per rule: test/fixtures/check/<dir>, each with one broken file (or a broken site.yaml). */
const CASES: { dir: string; code: number; diagnostics: Expected[] }[] = [
  {
    dir: 'frontmatter-missing',
    code: 1,
    diagnostics: [
      E('incidents/2024-05-01-no-frontmatter.md', 1, 1, 'frontmatter-missing', 'expected the file to start with a YAML frontmatter block between two `---` lines; found none'),
    ],
  },
  {
    dir: 'yaml-syntax',
    code: 1,
    diagnostics: [E('incidents/2024-05-01-yaml-syntax.md', 3, 10, 'yaml-syntax', 'invalid YAML: Nested mappings are not allowed in compact mappings')],
  },
  {
    dir: 'duplicate-key',
    code: 1,
    diagnostics: [E('incidents/2024-05-01-duplicate-key.md', 11, 1, 'duplicate-key', 'duplicate key "title": it appears twice in the same mapping; expected each key once')],
  },
  {
    dir: 'yaml-alias-limit',
    code: 1,
    diagnostics: [E('incidents/2024-05-01-aliases.md', 2, 1, 'yaml-alias-limit', /^YAML aliases expand to too many nodes; expected at most 1000 /)],
  },
  {
    dir: 'missing-key',
    code: 1,
    diagnostics: [E('incidents/2024-05-01-missing-key.md', 2, 1, 'missing-key', 'missing required key "summary"; expected a string')],
  },
  {
    dir: 'invalid-type',
    code: 1,
    diagnostics: [E('incidents/2024-05-01-invalid-type.md', 11, 8, 'invalid-type', 'draft must be true or false; found "yes"')],
  },
  {
    dir: 'invalid-enum',
    code: 1,
    diagnostics: [E('incidents/2024-05-01-invalid-enum.md', 4, 11, 'invalid-enum', 'severity must be one of critical, major, minor, notice, maintenance; found "hight"')],
  },
  {
    dir: 'invalid-enum-nested',
    code: 1,
    diagnostics: [
      E('incidents/2024-05-01-action-status.md', 15, 13, 'invalid-enum', 'actions[1].status must be one of open, in_progress, done, wont_do; found "opne"', 'did you mean "open"?'),
    ],
  },
  {
    dir: 'unknown-key',
    code: 1,
    diagnostics: [
      // With `resolved` misspelt the incident looks ongoing: the typo is an error, the consequence a warning.
      W('incidents/2024-05-01-unknown-key.md', 5, 10, 'long-ongoing', /^the incident has been ongoing for 244 d 14 h /),
      E(
        'incidents/2024-05-01-unknown-key.md',
        8,
        1,
        'unknown-key',
        'unknown key "resloved"; expected one of title, summary, severity, started, detected, detection, mitigated, resolved, services, timeline, root_cause, contributing_factors, actions, links, tags, authors, timezone, language, draft, visibility, near_miss, responders',
        'did you mean "resolved"?',
      ),
    ],
  },
  {
    dir: 'invalid-value',
    code: 1,
    diagnostics: [E('incidents/2024-05-01-invalid-value.md', 9, 11, 'invalid-value', 'services must list at least 1 item; found 0')],
  },
  {
    dir: 'invalid-timestamp',
    code: 1,
    diagnostics: [
      E(
        'incidents/2024-05-01-invalid-timestamp.md',
        6,
        11,
        'invalid-timestamp',
        'detected: expected a timestamp like 2020-05-29T16:21:00Z, 2020-05-29T16:21:00-04:00 or 2020-05-29 16:21 (local time); found "2024-05-01 10:05 UTC"',
      ),
    ],
  },
  {
    dir: 'invalid-date',
    code: 1,
    diagnostics: [E('incidents/2024-05-01-invalid-date.md', 14, 10, 'invalid-date', 'actions[0].due: "2024-06-31" is not a day of the calendar')],
  },
  {
    dir: 'invalid-format',
    code: 1,
    diagnostics: [
      E('incidents/2024-05-01-invalid-format.md', 11, 16, 'invalid-format', 'tags[1]: a tag must be a slug (lowercase letters, digits and single hyphens, e.g. "api-gateway"); found "Release Train"'),
    ],
  },
  {
    dir: 'invalid-url',
    code: 1,
    diagnostics: [
      E('site.yaml', 3, 11, 'invalid-url', 'base_url must be an absolute http(s) URL without query or fragment, e.g. https://acme.github.io/status/; found "https://status.example.com/?preview=1"'),
    ],
  },
  {
    dir: 'timestamp-gap',
    code: 1,
    diagnostics: [
      E(
        'incidents/2021-03-14-dst-gap.md',
        5,
        10,
        'timestamp-gap',
        'started: local time "2021-03-14 02:30" does not exist in America/New_York: the clocks skip it when daylight-saving time begins; it could mean 2021-03-14T02:30-05:00 (2021-03-14T07:30:00Z) or 2021-03-14T02:30-04:00 (2021-03-14T06:30:00Z)',
        'write the timestamp with an explicit offset or in UTC (with Z)',
      ),
    ],
  },
  {
    dir: 'timestamp-ambiguous',
    code: 1,
    diagnostics: [
      E(
        'incidents/2021-10-31-dst-overlap.md',
        5,
        10,
        'timestamp-ambiguous',
        'started: local time "2021-10-31 02:30" happens twice in Europe/Paris (the clocks go back when daylight-saving time ends); it could mean 2021-10-31T02:30+02:00 (2021-10-31T00:30:00Z) or 2021-10-31T02:30+01:00 (2021-10-31T01:30:00Z)',
      ),
    ],
  },
  {
    dir: 'unknown-timezone',
    code: 1,
    diagnostics: [
      E('incidents/2024-05-01-unknown-timezone.md', 11, 11, 'unknown-timezone', 'timezone must be an IANA time zone name such as "Europe/Paris"; found "Europe/Pari"', 'did you mean "Europe/Paris"?'),
    ],
  },
  {
    dir: 'site-unknown-timezone',
    code: 1,
    diagnostics: [E('site.yaml', 2, 11, 'unknown-timezone', 'timezone must be an IANA time zone name such as "Europe/Paris"; found "America/New_Yrok"', 'did you mean "America/New_York"?')],
  },
  {
    dir: 'resolved-before-started',
    code: 1,
    diagnostics: [
      E('incidents/2024-05-01-resolved-before-started.md', 6, 11, 'resolved-before-started', 'resolved (2024-05-01T09:00:00Z) must not be before started (2024-05-01T10:00:00Z)'),
    ],
  },
  {
    dir: 'mitigated-before-started',
    code: 1,
    diagnostics: [
      E('incidents/2024-05-01-mitigated-before-started.md', 7, 12, 'mitigated-before-started', 'mitigated (2024-05-01T09:30:00Z) must not be before started (2024-05-01T10:00:00Z)'),
    ],
  },
  {
    dir: 'detected-after-resolved',
    code: 1,
    diagnostics: [
      E('incidents/2024-05-01-detected-after-resolved.md', 6, 11, 'detected-after-resolved', 'detected (2024-05-01T11:00:00Z) must not be after resolved (2024-05-01T10:20:00Z)'),
    ],
  },
  {
    dir: 'mitigated-after-resolved',
    code: 1,
    diagnostics: [
      E('incidents/2024-05-01-mitigated-after-resolved.md', 7, 12, 'mitigated-after-resolved', 'mitigated (2024-05-01T10:25:00Z) must not be after resolved (2024-05-01T10:20:00Z)'),
    ],
  },
  {
    dir: 'future-time',
    code: 1,
    diagnostics: [
      E('incidents/2025-06-01-future.md', 5, 10, 'future-time', 'started (2025-06-01T10:00:00Z) is later than now (2025-01-01T00:00:00Z); only maintenance may be scheduled in the future'),
    ],
  },
  {
    dir: 'unknown-service',
    code: 1,
    diagnostics: [
      E('incidents/2024-05-01-unknown-service.md', 9, 17, 'unknown-service', 'unknown service "webiste"; expected one of the ids in site.yaml: api, website', 'did you mean "website"?'),
    ],
  },
  {
    dir: 'duplicate-service',
    code: 1,
    diagnostics: [E('incidents/2024-05-01-duplicate-service.md', 11, 9, 'duplicate-service', 'service "api" is listed twice; expected each service once')],
  },
  {
    dir: 'site-duplicate-service',
    code: 1,
    diagnostics: [E('site.yaml', 8, 9, 'duplicate-service', 'service id "api" is already used by services[0]; expected every id once')],
  },
  {
    dir: 'duplicate-id',
    code: 1,
    diagnostics: [
      E(
        'incidents/2024/outage.md',
        1,
        1,
        'duplicate-id',
        'incident id "outage" is already used by incidents/2023/outage.md; ids (file names) must be unique across incidents/ and its sub-folders',
      ),
    ],
  },
  {
    dir: 'invalid-filename',
    code: 1,
    diagnostics: [
      E(
        'incidents/API_Outage.md',
        1,
        1,
        'invalid-filename',
        'the file name is the incident id and URL slug: expected lowercase letters, digits and single hyphens (like 2020-05-29-api-outage.md); found "API_Outage"',
        'rename it to "api-outage.md"',
      ),
    ],
  },
  {
    dir: 'timeline-order',
    code: 0,
    diagnostics: [
      W(
        'incidents/2024-05-01-timeline-order.md',
        14,
        9,
        'timeline-order',
        'timeline[1] (2024-05-01T10:01:00Z) is earlier than the entry before it (2024-05-01T10:05:00Z); entries are shown in time order',
      ),
    ],
  },
  {
    dir: 'detected-before-started',
    code: 0,
    diagnostics: [
      W(
        'incidents/2024-05-01-detected-early.md',
        6,
        11,
        'detected-before-started',
        'detected (2024-05-01T09:50:00Z) is before started (2024-05-01T10:00:00Z): the team knew before customers were affected',
      ),
    ],
  },
  {
    dir: 'missing-root-cause',
    code: 0,
    diagnostics: [
      W('incidents/2024-05-01-missing-root-cause.md', 2, 1, 'missing-root-cause', 'the incident is resolved but has no root_cause; readers come to a postmortem to learn why it happened'),
    ],
  },
  {
    dir: 'overdue-action',
    code: 0,
    diagnostics: [W('incidents/2024-05-01-overdue-action.md', 14, 10, 'overdue-action', 'action "Add a canary" is open and past its due date 2024-12-01')],
  },
  {
    dir: 'long-ongoing',
    code: 0,
    diagnostics: [
      W('incidents/2024-11-01-long-ongoing.md', 5, 10, 'long-ongoing', 'the incident has been ongoing for 61 d (more than 30 days); a forgotten `resolved`?', 'add `resolved:` with the time impact ended'),
    ],
  },
  {
    // A broken site.yaml is reported; incidents are still parsed and their own problems reported.
    dir: 'site-yaml-syntax',
    code: 1,
    diagnostics: [
      E('incidents/2024-05-01-no-frontmatter.md', 1, 1, 'frontmatter-missing', /found none$/),
      E('site.yaml', 3, 1, 'yaml-syntax', /^invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a \]$/),
    ],
  },
  {
    // All diagnostics of all files in one run, sorted by file and line; the valid file has none.
    dir: 'many',
    code: 1,
    diagnostics: [
      E('incidents/2024-05-02-bad-severity.md', 4, 11, 'invalid-enum', /found "hight"$/),
      W('incidents/2024-05-03-two-problems.md', 2, 1, 'missing-root-cause', /no root_cause/),
      E('incidents/2024-05-03-two-problems.md', 9, 12, 'unknown-service', /unknown service "apii"/, 'did you mean "api"?'),
      E('incidents/2024-05-03-two-problems.md', 10, 1, 'unknown-key', /^unknown key "resloved"/, 'did you mean "resolved"?'),
      W('incidents/2024-05-04-warning.md', 6, 11, 'detected-before-started', /^detected \(2024-05-01T09:50:00Z\) is before started/),
    ],
  },
];

describe('check: one fixture folder per rule (--format json)', { concurrency: 3 }, () => {
  for (const c of CASES) {
    it(`${c.dir}: ${[...new Set(c.diagnostics.map((d) => d.rule))].join(', ')}`, async () => {
      const r = await checkJson(`${FIXTURES}/${c.dir}`);
      assert.equal(r.stderr, '');
      assert.equal(r.code, c.code, r.stdout);
      assertDiagnostics(r.report.diagnostics, c.diagnostics);
      assert.equal(r.report.errors, c.diagnostics.filter((d) => d.severity === 'error').length);
      assert.equal(r.report.warnings, c.diagnostics.filter((d) => d.severity === 'warning').length);
    });
  }

  it('every rule a fixture exercises is named in its folder name or is listed on purpose', () => {
    // Guard against a fixture silently testing something else: each folder's own rule comes first in its name.
    for (const c of CASES) {
      if (c.dir === 'many' || c.dir === 'site-yaml-syntax') continue;
      const rule = c.dir.replace(/^site-/, '').replace(/-nested$/, '');
      assert.ok(c.diagnostics.some((d) => d.rule === rule), `${c.dir} tests ${rule}`);
    }
  });
});

describe('check: clean projects, warnings, drafts', () => {
  it('a valid project (sub-folders, local times, skipped _ and . files, other files ignored): exit 0, nothing reported', async () => {
    const r = await checkJson(`${FIXTURES}/valid`);
    assert.equal(r.code, 0);
    assert.deepEqual(r.report, { diagnostics: [], errors: 0, warnings: 0 });
    const text = await runCli(['check', `${FIXTURES}/valid`]);
    assert.equal(text.code, 0);
    assert.equal(text.stdout, '0 errors, 0 warnings in 2 files\n');
    assert.equal(text.stderr, '');
  });

  it('warnings alone: exit 0; with --strict: exit 1', async () => {
    const plain = await checkJson(`${FIXTURES}/warnings-only`);
    assert.equal(plain.code, 0);
    assert.deepEqual([plain.report.errors, plain.report.warnings], [0, 1]);
    const strict = await checkJson(`${FIXTURES}/warnings-only`, ['--strict']);
    assert.equal(strict.code, 1);
    assert.deepEqual(strict.report, plain.report, '--strict changes the exit code, not the report');
  });

  it('drafts are checked, but spared the published-only warnings unless --drafts', async () => {
    const plain = await checkJson(`${FIXTURES}/drafts`);
    assert.equal(plain.code, 0);
    assert.deepEqual(plain.report.diagnostics, []);
    const drafts = await checkJson(`${FIXTURES}/drafts`, ['--drafts']);
    assert.equal(drafts.code, 0);
    assertDiagnostics(drafts.report.diagnostics, [W('incidents/2024-05-01-draft.md', 2, 1, 'missing-root-cause', /no root_cause/)]);
  });

  it('the worked examples in incidents/ pass: exit 0, zero diagnostics (with the real clock)', async () => {
    const r = await checkJson('.', ['--strict'], { env: { SOURCE_DATE_EPOCH: undefined } });
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(r.report, { diagnostics: [], errors: 0, warnings: 0 });
    const text = await runCli(['check'], { env: { SOURCE_DATE_EPOCH: undefined } });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^0 errors, 0 warnings in 6 files\n$/);
  });
});

describe('check: files that cannot be committed (temporary projects)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });
  const project = async (files: Record<string, string | Uint8Array>) => {
    const p = await tempProject(files);
    cleanups.push(p.cleanup);
    return p.dir;
  };

  it('file-encoding: invalid UTF-8 is one diagnostic at the bad byte; the other files are still checked', async () => {
    const latin1 = Buffer.concat([Buffer.from('---\ntitle: API errors\nsummary: "Caf'), Buffer.from([0xe9]), Buffer.from(' down"\n---\n')]);
    const dir = await project({
      'incidents/2024-05-01-latin1.md': latin1,
      'incidents/2024-05-02-bad.md': VALID_INCIDENT.replace('severity: major', 'severity: hight'),
      'incidents/2024-05-03-ok.md': VALID_INCIDENT,
    });
    const r = await checkJson(dir);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
    assertDiagnostics(r.report.diagnostics, [
      E('incidents/2024-05-01-latin1.md', 3, 14, 'file-encoding', 'the file is not valid UTF-8; expected UTF-8 text (a BOM is fine)', 'save the file as UTF-8 in your editor'),
      E('incidents/2024-05-02-bad.md', 4, 11, 'invalid-enum', /found "hight"$/),
    ]);
    // The text format survives a file it could not decode (no code frame for it), and counts every file.
    const text = await runCli(['check', dir]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^incidents\/2024-05-01-latin1\.md:3:14 error the file is not valid UTF-8; expected UTF-8 text \(a BOM is fine\) \[file-encoding\]$/m);
    assert.match(text.stdout, /\n2 errors, 0 warnings in 3 files\n$/);
    assert.doesNotMatch(text.stdout + text.stderr, STACK);
  });

  it('file-too-large: a file over 1 MiB is refused without reading it', async () => {
    const big = `${VALID_INCIDENT}\n${'x'.repeat(1024 * 1024)}\n`;
    const dir = await project({ 'incidents/2024-05-01-huge.md': big, 'incidents/2024-05-02-ok.md': VALID_INCIDENT });
    const r = await checkJson(dir);
    assert.equal(r.code, 1);
    assertDiagnostics(r.report.diagnostics, [
      E(
        'incidents/2024-05-01-huge.md',
        1,
        1,
        'file-too-large',
        `the file is ${Buffer.byteLength(big)} bytes; incident files may be at most 1048576 bytes (1 MiB)`,
        'move attachments and logs out of the postmortem and link to them',
      ),
    ]);
  });

  it('symlink-outside-root and symlink-loop: reported, never followed; links inside the project are read', async () => {
    const outside = await tempProject({ 'secret.md': VALID_INCIDENT }, false);
    cleanups.push(outside.cleanup);
    const dir = await project({ 'incidents/2024-05-01-ok.md': VALID_INCIDENT, 'shared/2024-05-02-shared.md': VALID_INCIDENT });
    await symlink(path.join(outside.dir, 'secret.md'), path.join(dir, 'incidents', '2024-05-03-outside.md'));
    await symlink(outside.dir, path.join(dir, 'incidents', 'elsewhere'));
    await symlink('../shared/2024-05-02-shared.md', path.join(dir, 'incidents', '2024-05-02-shared.md'));
    await mkdir(path.join(dir, 'incidents', '2024'));
    await symlink('..', path.join(dir, 'incidents', '2024', 'up'));
    await symlink('nowhere.md', path.join(dir, 'incidents', '2024-05-04-broken.md'));
    const r = await checkJson(dir);
    assert.equal(r.code, 1);
    // Sorted by path: "-" sorts before "/".
    assertDiagnostics(r.report.diagnostics, [
      E('incidents/2024-05-03-outside.md', 1, 1, 'symlink-outside-root', 'the symbolic link points outside the project; refusing to read it'),
      E('incidents/2024-05-04-broken.md', 1, 1, 'file-unreadable', 'the symbolic link points to nothing (a broken link or a loop)'),
      W('incidents/2024/up', 1, 1, 'symlink-loop', 'the folder is a link back to a folder already read (incidents); skipped it', 'remove the symbolic link'),
      E('incidents/elsewhere', 1, 1, 'symlink-outside-root', 'the symbolic link points outside the project; refusing to read it'),
    ]);
    const text = await runCli(['check', dir]);
    assert.match(text.stdout, /\n3 errors, 1 warning in 2 files\n$/, 'the two readable incidents were checked');
  });

  it('file-unreadable: permission denied (skipped as root: chmod 000 does not stop root from reading)', { skip: RUNNING_AS_ROOT ? 'running as root' : false }, async () => {
    const dir = await project({ 'incidents/2024-05-01-secret.md': VALID_INCIDENT, 'incidents/2024-05-02-ok.md': VALID_INCIDENT });
    const file = path.join(dir, 'incidents', '2024-05-01-secret.md');
    await chmod(file, 0o000);
    try {
      const r = await checkJson(dir);
      assert.equal(r.code, 1);
      assertDiagnostics(r.report.diagnostics, [E('incidents/2024-05-01-secret.md', 1, 1, 'file-unreadable', 'cannot read the file: permission denied')]);
    } finally {
      await chmod(file, 0o644);
    }
  });

  it('LF, CRLF, a BOM, and both: the same lines and columns', async () => {
    const broken = VALID_INCIDENT.replace('services: [api]', 'services: [api]\nactions:\n  - title: One\n    status: done\n  - title: Two\n    status: opne');
    const dir = await project({
      'incidents/a-lf.md': broken,
      'incidents/b-crlf.md': broken.replace(/\n/g, '\r\n'),
      'incidents/c-bom.md': `\uFEFF${broken}`,
      'incidents/d-bom-crlf.md': `\uFEFF${broken.replace(/\n/g, '\r\n')}`,
    });
    const r = await checkJson(dir);
    const message = 'actions[1].status must be one of open, in_progress, done, wont_do; found "opne"';
    assertDiagnostics(
      r.report.diagnostics,
      ['a-lf', 'b-crlf', 'c-bom', 'd-bom-crlf'].map((n) => E(`incidents/${n}.md`, 14, 13, 'invalid-enum', message)),
    );
    assert.ok(r.report.diagnostics.every((d) => d.endLine === 14 && d.endColumn === 17));
    const text = await runCli(['check', dir]);
    for (const n of ['a-lf', 'b-crlf', 'c-bom', 'd-bom-crlf']) {
      assert.ok(text.stdout.includes(`incidents/${n}.md:14:13 error ${message} [invalid-enum]\n    13 |   - title: Two\n  > 14 |     status: opne\n       |             ^^^^\n`), n);
    }
    assert.doesNotMatch(text.stdout, /\r/);
  });
});

describe('check: output formats', () => {
  const dir = `${FIXTURES}/many`;

  it('text: file:line:col severity message [rule], a code frame with > and a caret, help, the summary; no ANSI when not a TTY', async () => {
    const r = await runCli(['check', dir]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
    assert.doesNotMatch(r.stdout, ANSI);
    const expected = [
      'incidents/2024-05-02-bad-severity.md:4:11 error severity must be one of critical, major, minor, notice, maintenance; found "hight" [invalid-enum]',
      '    3 | summary: The API returned errors for 20 minutes.',
      '  > 4 | severity: hight',
      '      |           ^^^^^',
      '    5 | started: 2024-05-01T10:00:00Z',
      '',
    ].join('\n');
    assert.ok(r.stdout.startsWith(`${expected}\n`), r.stdout.slice(0, 600));
    assert.ok(
      r.stdout.includes(
        [
          'incidents/2024-05-03-two-problems.md:9:12 error unknown service "apii"; expected one of the ids in site.yaml: api, website [unknown-service]',
          '     8 | resolved: 2024-05-01T10:20:00Z',
          '  >  9 | services: [apii]',
          '       |            ^^^^',
          '    10 | resloved: 2024-05-01T10:20:00Z',
          '  help: did you mean "api"?',
        ].join('\n'),
      ),
      r.stdout,
    );
    assert.match(r.stdout, /^incidents\/2024-05-04-warning\.md:6:11 warning detected \(2024-05-01T09:50:00Z\) is before started \(2024-05-01T10:00:00Z\): the team knew before customers were affected \[detected-before-started\]$/m);
    assert.ok(r.stdout.endsWith('\n3 errors, 2 warnings in 4 files\n'), r.stdout.slice(-200));
    // Diagnostics come sorted by file, then line.
    const heads = [...r.stdout.matchAll(/^(incidents\/[^:]+):(\d+):(\d+) /gm)].map((m) => `${m[1]}:${m[2]}`);
    assert.deepEqual(heads, [
      'incidents/2024-05-02-bad-severity.md:4',
      'incidents/2024-05-03-two-problems.md:2',
      'incidents/2024-05-03-two-problems.md:9',
      'incidents/2024-05-03-two-problems.md:10',
      'incidents/2024-05-04-warning.md:6',
    ]);
  });

  it('text: colours with FORCE_COLOR=1, none with NO_COLOR or FORCE_COLOR=0', async () => {
    const [forced, plain, off] = await Promise.all([
      runCli(['check', dir], { env: { FORCE_COLOR: '1' } }),
      runCli(['check', dir], { env: { NO_COLOR: '1' } }),
      runCli(['check', dir, '--format', 'github'], { env: { FORCE_COLOR: '0' } }),
    ]);
    assert.match(forced.stdout, ANSI);
    assert.ok(forced.stdout.includes('\u001b[1;31merror\u001b[0m'));
    assert.ok(forced.stdout.includes('\u001b[1;33mwarning\u001b[0m'));
    assert.equal(forced.stdout.replace(new RegExp(ANSI.source, 'g'), ''), plain.stdout, 'colours are the only difference');
    assert.doesNotMatch(plain.stdout, ANSI);
    assert.doesNotMatch(off.stdout, ANSI);
  });

  it('json: exactly {"diagnostics":[{file,line,column,severity,rule,message,…}],"errors":N,"warnings":M}', async () => {
    const r = await checkJson(dir);
    const parsed = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ['diagnostics', 'errors', 'warnings']);
    assert.deepEqual([r.report.errors, r.report.warnings], [3, 2]);
    for (const d of r.report.diagnostics) {
      assert.deepEqual(Object.keys(d).slice(0, 6), ['file', 'line', 'column', 'severity', 'rule', 'message']);
      for (const k of Object.keys(d).slice(6)) assert.ok(['endLine', 'endColumn', 'hint'].includes(k), k);
      assert.equal(typeof d.line, 'number');
      assert.equal(typeof d.column, 'number');
    }
    assert.deepEqual(r.report.diagnostics[0], {
      file: 'incidents/2024-05-02-bad-severity.md',
      line: 4,
      column: 11,
      severity: 'error',
      rule: 'invalid-enum',
      message: 'severity must be one of critical, major, minor, notice, maintenance; found "hight"',
      endLine: 4,
      endColumn: 16,
    });
  });

  it('json: paths are relative to the root, wherever check is run from and however the root is given', async () => {
    const absolute = path.join(REPO_ROOT, dir);
    const [fromElsewhere, fromInside, ref] = await Promise.all([
      checkJson(absolute, [], { cwd: tmpdir() }),
      runCli(['check', '--format', 'json'], { cwd: absolute }),
      checkJson(dir),
    ]);
    const reference = ref.stdout;
    for (const out of [fromElsewhere.stdout, fromInside.stdout]) assert.equal(out, reference);
    assert.ok(fromElsewhere.report.diagnostics.every((d) => d.file.startsWith('incidents/')));
  });

  it('github: one ::error/::warning workflow command per diagnostic', async () => {
    const r = await runCli(['check', dir, '--format', 'github']);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 5);
    assert.equal(
      lines[0],
      '::error file=incidents/2024-05-02-bad-severity.md,line=4,col=11,endColumn=16,title=postmortem invalid-enum::severity must be one of critical, major, minor, notice, maintenance; found "hight"',
    );
    assert.match(lines[1]!, /^::warning file=incidents\/2024-05-03-two-problems\.md,line=2,col=1,endColumn=18,title=postmortem missing-root-cause::the incident is resolved but has no root_cause; .* \(add `root_cause:` with a paragraph of Markdown\)$/);
    for (const line of lines) assert.match(line, /^::(error|warning) file=[^,:]+,line=\d+,col=\d+(,endColumn=\d+)?,title=postmortem [a-z-]+::./);
  });

  it('github: %, :, and , in a file name are escaped in the properties', async () => {
    const p = await tempProject({ 'incidents/100%,a:b.md': VALID_INCIDENT });
    try {
      const r = await runCli(['check', p.dir, '--format', 'github']);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^::error file=incidents\/100%25%2Ca%3Ab\.md,line=1,col=1,title=postmortem invalid-filename::the file name is the incident id and URL slug: .*found "100%25,a:b" \(rename it to "100-a-b\.md"\)\n$/);
    } finally {
      await p.cleanup();
    }
  });
});

describe('check: exit codes and usage', () => {
  it('0 clean, 1 errors, 1 warnings with --strict (all formats agree)', async () => {
    // (json is covered by every fixture run above.)
    const runs: [string[], number][] = [
      [['check', `${FIXTURES}/warnings-only`], 0],
      [['check', `${FIXTURES}/warnings-only`, '--format', 'github', '--strict'], 1],
      [['check', `${FIXTURES}/invalid-enum`], 1],
      [['check', `${FIXTURES}/valid`, '--format', 'github', '--strict'], 0],
    ];
    const results = await runMany(runs.map(([args]) => args));
    runs.forEach(([args, code], i) => assert.equal(results[i]!.code, code, args.join(' ')));
    assert.equal(results[3]!.stdout, '', 'github prints nothing for a clean run');
  });

  it('2 for an unknown option, with the usage on stderr and nothing on stdout', async () => {
    const r = await runCli(['check', `${FIXTURES}/valid`, '--bogus']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^postmortem check: Unknown option '--bogus'\nUsage: postmortem check \[dir\]/);
  });

  it('2 for an unknown --format', async () => {
    const r = await runCli(['check', `${FIXTURES}/valid`, '--format', 'xml']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'postmortem check: --format must be one of text, json, github; found "xml"\n');
  });

  it('2 when the root has no site.yaml (positional or --root, or a folder that does not exist)', async () => {
    const argLists = [['check', `${FIXTURES}/no-site`], ['check', '--root', `${FIXTURES}/no-site`], ['check', `${FIXTURES}/does-not-exist`, '--format', 'json']];
    const results = await runMany(argLists);
    for (const [i, args] of argLists.entries()) {
      const r = results[i]!;
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^postmortem check: no site\.yaml in .*; run postmortem in the folder that holds site\.yaml and incidents\/, or pass --root DIR\n$/);
      assert.doesNotMatch(r.stderr, STACK);
    }
  });

  it('2 for an unknown command, with a suggestion', async () => {
    const r = await runCli(['chek']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'postmortem: unknown command "chek"; did you mean "check"?\nRun `postmortem --help` for the list of commands.\n');
    assert.equal((await runCli(['frobnicate'])).code, 2);
  });

  it('2 for two folders, or a folder and a different --root', async () => {
    assert.equal((await runCli(['check', `${FIXTURES}/valid`, `${FIXTURES}/many`])).code, 2);
    const both = await runCli(['check', `${FIXTURES}/valid`, '--root', `${FIXTURES}/many`]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give the project folder once/);
  });

  it('2 for a SOURCE_DATE_EPOCH that is not a number of seconds', async () => {
    const r = await runCli(['check', `${FIXTURES}/valid`], { env: { SOURCE_DATE_EPOCH: 'yesterday' } });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'postmortem check: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, at most 253402300799 (9999-12-31T23:59:59Z); found "yesterday"\n');
  });

  it('the root as a positional argument, with --root, both (the same), or the current folder', async () => {
    const [reference, ...runs] = await Promise.all([
      checkJson(`${FIXTURES}/invalid-enum`),
      runCli(['check', '--root', `${FIXTURES}/invalid-enum`, '--format', 'json']),
      runCli(['check', `${FIXTURES}/invalid-enum`, '--root', `./${FIXTURES}/invalid-enum/`, '--format', 'json']),
    ]);
    assert.equal(reference.report.diagnostics.length, 1);
    runs.push(await runCli(['check', '--format', 'json'], { cwd: path.join(REPO_ROOT, FIXTURES, 'invalid-enum') }));
    for (const r of runs) {
      assert.equal(r.code, 1);
      assert.equal(r.stdout, reference.stdout);
    }
  });
});

describe('--help and --version', () => {
  let version: string;
  before(async () => {
    version = (JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  });
  const COMMANDS = ['check', 'build', 'dev', 'new', 'schema', 'init'];

  it('postmortem --help / -h / help lists every command; no command prints it and exits 2', async () => {
    const [help, h, word, none] = await runMany([['--help'], ['-h'], ['help'], []]);
    for (const r of [help!, h!, word!]) {
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^postmortem \d+\.\d+\.\d+: /);
      for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c} +\\S`, 'm'), c);
    }
    assert.equal(none!.code, 2);
    assert.match(none!.stdout, /Usage: postmortem <command>/);
  });

  it('postmortem --version / -v prints the package version', async () => {
    for (const r of await runMany([['--version'], ['-v']])) {
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `${version}\n`);
    }
  });

  it('postmortem <command> --help (and -h, help <command>, beside bad options): its usage, exit 0', async () => {
    const argLists = [...COMMANDS.map((c) => [c, '--help']), ['check', '-h'], ['help', 'new'], ['check', '--bogus', '--help']];
    const results = await runMany(argLists);
    argLists.forEach((args, i) => {
      const r = results[i]!;
      const c = args[0] === 'help' ? args[1]! : args[0]!;
      assert.equal(r.code, 0, args.join(' '));
      assert.equal(r.stderr, '');
      assert.ok(r.stdout.startsWith(`Usage: postmortem ${c}`), r.stdout);
      if (c !== 'schema') assert.match(r.stdout, /--root DIR/, c);
    });
  });

  it('postmortem check --help documents the formats, --strict, --drafts and the exit codes', async () => {
    const r = await runCli(['check', '--help']);
    assert.ok(r.stdout.startsWith('Usage: postmortem check [dir] [--format text|json|github] [--strict] [--drafts] [--changed-since REF] [--root DIR]\n'));
    for (const word of ['--format', 'text', 'json', 'github', '--strict', '--drafts', '--changed-since', '--root', 'Exit status: 0', '1 errors', '2 misuse']) assert.ok(r.stdout.includes(word), word);
  });

  it('postmortem <command> --version prints the version, for every command', async () => {
    const results = await runMany(COMMANDS.map((c) => [c, '--version']));
    COMMANDS.forEach((c, i) => {
      const r = results[i]!;
      assert.equal(r.stderr, '', c);
      assert.equal(r.stdout, `${version}\n`, c);
      assert.equal(r.code, 0, c);
    });
  });
});

describe('never a stack trace for bad input', () => {
  it('a project full of hostile files gives diagnostics and exit 1', async () => {
    const p = await tempProject({
      'incidents/a.md': '---\n',
      'incidents/b.md': '---\n---\n---\n',
      'incidents/c.md': '---\n[[[\n---\n',
      'incidents/d.md': '---\ntitle: !!binary x\n__proto__: {a: 1}\n? [a]\n: b\n---\n',
      'incidents/e.md': Buffer.from([0xef, 0xbb, 0xbf, 0xff, 0xfe, 0x00]),
      'incidents/f.md': '\u202e\u200b🚀\r\r\n\t---',
      'incidents/g.md': `---\ntitle: ${'['.repeat(5000)}\n---\n`,
    });
    try {
      const formats = ['text', 'github'];
      const results = await runMany(formats.map((f) => ['check', p.dir, '--format', f]));
      const r = await checkJson(p.dir);
      for (const [i, out] of [...results, r].entries()) {
        assert.equal(out.code, 1, `${formats[i] ?? 'json'}: ${out.stderr}`);
        assert.equal(out.stderr, '');
      }
      assert.deepEqual([...new Set(r.report.diagnostics.map((d) => d.file))], ['incidents/a.md', 'incidents/b.md', 'incidents/c.md', 'incidents/d.md', 'incidents/e.md', 'incidents/f.md', 'incidents/g.md']);
    } finally {
      await p.cleanup();
    }
  });

  it('a site.yaml that is a folder, or not a mapping, is a usage error or a diagnostic, not a crash', async () => {
    const p = await tempProject({ 'incidents/2024-05-01-ok.md': VALID_INCIDENT }, false);
    try {
      await mkdir(path.join(p.dir, 'site.yaml'));
      const folder = await runCli(['check', p.dir]);
      assert.equal(folder.code, 2);
      assert.match(folder.stderr, /^postmortem check: .*site\.yaml is a folder; expected the site.s configuration file\n$/);
      const q = await tempProject({ 'site.yaml': '- just\n- a list\n', 'incidents/2024-05-01-ok.md': VALID_INCIDENT }, false);
      try {
        const list = await checkJson(q.dir);
        assert.equal(list.code, 1);
        assertDiagnostics(list.report.diagnostics, [E('site.yaml', 1, 1, 'invalid-type', /^site\.yaml must be a mapping of keys/)]);
      } finally {
        await q.cleanup();
      }
    } finally {
      await p.cleanup();
    }
  });
});

/**
 * `template-placeholder`: the scaffold's placeholder sentences and sections holding nothing but a template's hint
 * are warnings at their line (drafts spared unless --drafts); real text, parent headings, code and comments
 * beside text are not.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIncidentText } from '../src/parse/index.js';
import { hintOnlySections, MAINTENANCE_SUMMARY_PLACEHOLDER, ROOT_CAUSE_PLACEHOLDER, SUMMARY_PLACEHOLDER, validateDocument } from '../src/validate/index.js';
import type { SiteConfig } from '../src/core/index.js';

const FILE = 'incidents/2024-05-01-api-errors.md';
const NOW = Date.parse('2025-01-01T00:00:00Z');
const config: SiteConfig = { title: 'Acme Status', basePath: '/', timezone: 'UTC', uptimeDays: 90, services: [{ id: 'api', name: 'API' }] };

function incident(frontmatter: Record<string, string>, body: string): string {
  const fm = {
    title: 'API errors',
    summary: 'The API returned errors for 20 minutes.',
    severity: 'major',
    started: '2024-05-01T10:00:00Z',
    resolved: '2024-05-01T10:20:00Z',
    services: '[api]',
    root_cause: 'A bad deploy.',
    ...frontmatter,
  };
  return `---\n${Object.entries(fm).map(([k, v]) => `${k}: ${v}`).join('\n')}\n---\n${body}`;
}

function placeholders(text: string, drafts = false) {
  const r = validateDocument(parseIncidentText(FILE, text), { config, now: NOW, drafts });
  assert.ok(r.incident, 'a warning never stops the incident');
  assert.ok(r.diagnostics.every((d) => d.rule === 'template-placeholder' && d.severity === 'warning'), JSON.stringify(r.diagnostics));
  return r.diagnostics.map((d) => ({ line: d.line, column: d.column, message: d.message, hint: d.hint })).sort((a, b) => a.line - b.line);
}

describe('template-placeholder', () => {
  it("the scaffold's summary and root cause sentences, at their value", () => {
    const found = placeholders(incident({ summary: JSON.stringify(SUMMARY_PLACEHOLDER), root_cause: JSON.stringify(`${ROOT_CAUSE_PLACEHOLDER} And more.`) }, '\nText.\n'));
    assert.deepEqual(found.map((d) => [d.line, d.column]), [[3, 10], [8, 13]]);
    assert.match(found[0]!.message, /^summary still holds the template's placeholder "Write one paragraph for readers: what cu…"; readers would see it/);
    assert.equal(found[0]!.hint, 'replace it with your own text');
    assert.match(found[1]!.message, /^root_cause still holds/);
    assert.equal(placeholders(incident({ summary: JSON.stringify(MAINTENANCE_SUMMARY_PLACEHOLDER), severity: 'maintenance' }, '')).length, 1);
  });

  it('a value left as the hint\'s "…", anywhere in the frontmatter', () => {
    const text = incident({ actions: '\n  - title: Alert on errors\n    status: open\n    owner: …', contributing_factors: '[…]' }, '');
    const found = placeholders(text);
    assert.deepEqual(found.map((d) => [d.line, d.message]), [
      [12, 'actions[0].owner is the template\'s placeholder "…"'],
      [13, 'contributing_factors[0] is the template\'s placeholder "…"'],
    ]);
  });

  it('a section holding only a hint comment: at its heading; a parent of sub-sections is not empty', () => {
    const body = [
      '', // 10
      '## Impact', // 11
      '', // 12
      '<!-- Who was affected. -->', // 13
      '', // 14
      '## Lessons learned', // 15
      '<!-- What we learned, by kind: a hint above sub-sections. -->', // 16
      '### What went well', // 17
      '<!--', // 18
      '  A hint over', // 19
      '  three lines. -->', // 20
      '### What went wrong', // 21
      '<!-- hint --> The alert was late.', // 22
      '  ## Indented up to three spaces <!-- x -->', // 23
      '<!-- hint -->', // 24
    ].join('\n');
    const found = placeholders(incident({}, body));
    assert.deepEqual(found.map((d) => [d.line, d.column]), [[11, 1], [17, 1], [23, 3]]);
    assert.equal(found[0]!.message, 'the section "## Impact" holds nothing but the template\'s hint (a comment readers never see); the page would show an empty heading');
    assert.equal(found[0]!.hint, 'write the section, or delete its heading');
    assert.match(found[2]!.message, /"## Indented up to three spaces <!-- x -->"/);
    assert.deepEqual(hintOnlySections('## A\n<!-- a fence in a comment is no fence:\n```\n-->\n## B\n<!-- b -->\n').map((s) => s.heading), ['## A', '## B']);
  });

  it('not: written sections, empty headings without a hint, headings in code, CRLF files read alike', () => {
    const body = '\n## Impact\n\nCustomers saw errors.\n\n## Empty\n\n## Code\n\n```md\n## Not a heading\n<!-- in code -->\n```\n\n#hashtag is text\n<!-- a comment after text of the same section -->\n';
    assert.deepEqual(placeholders(incident({}, body)), []);
    const fenced = '\n## Code\n\n~~~\n## Inside\n<!-- x -->\n~~~\n';
    assert.deepEqual(placeholders(incident({}, fenced)), []);
    const crlf = incident({}, '\r\n## Impact\r\n\r\n<!-- hint -->\r\n').replace(/(?<!\r)\n/g, '\r\n');
    assert.deepEqual(placeholders(crlf).map((d) => d.line), [11]);
  });

  it('drafts are spared unless --drafts, like missing-root-cause', () => {
    const text = incident({ summary: JSON.stringify(SUMMARY_PLACEHOLDER), draft: 'true' }, '\n## Impact\n<!-- hint -->\n');
    assert.deepEqual(placeholders(text), []);
    assert.equal(placeholders(text, true).length, 2);
  });

  it('scans hostile bodies in linear time: unclosed comments, many openers, a huge heading line', () => {
    assert.deepEqual(hintOnlySections(`## A\n${'<!--'.repeat(200_000)}\n## B, inside the unclosed comment\n`).map((s) => s.heading), ['## A']);
    const long = `######${' '.repeat(300_000)}x`;
    assert.deepEqual(hintOnlySections(`${long}\n<!-- -->`).map((s) => s.heading), [long.replace(/ +/, ' ')].map(() => long.trim()));
    assert.deepEqual(hintOnlySections(`## C\n${'<!-- -->'.repeat(50_000)}\nText.\n`), []);
  });
});

/** The documentation that is generated from code stays in step with it: the README's table of rules. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Rule, ruleById, ruleCatalogue, rulesMarkdown } from '../src/core/index.js';
import { REPO_ROOT, runCli } from './helpers/cli.js';

describe('the rule catalogue', () => {
  it("is the README's table of rules, and what `postmortem rules` prints", async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const table = /<!-- rules:start -->\n([\s\S]*?)\n<!-- rules:end -->/.exec(readme)?.[1];
    assert.equal(table, rulesMarkdown(), 'regenerate it: node bin/postmortem.js rules --format markdown');
    const md = await runCli(['rules', '--format', 'markdown']);
    assert.equal(md.stdout, `${rulesMarkdown()}\n`);
    const json = JSON.parse((await runCli(['rules', '--format', 'json'])).stdout) as { rules: { id: string }[] };
    assert.deepEqual(json.rules.map((r) => r.id), ruleCatalogue().map((r) => r.id));
    const text = await runCli(['rules']);
    for (const r of ruleCatalogue()) assert.match(text.stdout, new RegExp(`^${r.id} +${r.severity} `, 'm'));
    assert.equal((await runCli(['rules', '--format', 'yaml'])).code, 2);
  });

  it('defines each id once, with a summary and a fix', () => {
    const ids = Object.values(Rule).map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const r of Object.values(Rule)) {
      assert.equal(ruleById(r.id), r);
      assert.ok(r.summary.length > 10 && r.help.length > 5, r.id);
    }
  });
});

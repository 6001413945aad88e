/** What an import says it did (or, with --dry-run, would do): files, notes, the warnings `check` will show. */
import type { Diagnostic } from '../core/diagnostic.js';
import { ruleById } from '../core/rules.js';
import { plural } from '../core/text.js';
import { CONFIG_FILE } from '../source/index.js';
import type { ImportPlan } from './plan.js';
import type { Staged } from './staging.js';
import { escapeControls } from '../core/terminal.js';

/** Files listed one by one up to this many; beyond, counted. */
const LIST_FILES = 30;

/** Why a warning is there after an import, and what to do about it. */
const WHY: Record<string, string> = {
  'missing-root-cause': 'the source has no root cause field; add `root_cause:` to each postmortem when you write it up',
  'long-ongoing': 'still open at the source after more than 30 days; resolve it there and import again, or add `resolved:`',
  'detected-before-started': 'the source says the team knew before impact began',
  'timeline-order': 'updates out of order at the source',
};

/** Control characters of the input never reach the terminal (core/terminal.ts). */
const safe = escapeControls;

export function importReport(plan: ImportPlan, staged: Staged, dryRun: boolean): string {
  const lines: string[] = [];
  const kinds = plan.incidents.filter((i) => i.severity !== 'maintenance').length;
  lines.push(`${plan.source}${plan.title ? ` "${safe(plan.title)}"` : ''}: ${plural(plan.services.length, 'service')}, ${plural(kinds, 'incident')}, ${plural(plan.incidents.length - kinds, 'maintenance', 'maintenances')} read.`);
  const verb = (a: string) => (dryRun ? { create: 'would create', update: 'would update', unchanged: 'unchanged', skip: 'would skip' } : { create: 'created', update: 'updated', unchanged: 'unchanged', skip: 'skipped' })[a as 'create']!;
  const shown = staged.files.filter((f) => f.action !== 'unchanged');
  if (dryRun || shown.length <= LIST_FILES) for (const f of dryRun ? staged.files : shown) lines.push(`  ${verb(f.action)} ${f.file}: ${safe(f.what)}`);
  const count = (a: string) => staged.files.filter((f) => f.action === a && f.file !== CONFIG_FILE).length;
  lines.push(`${dryRun ? 'Would write' : 'Wrote'}: ${count('create')} new, ${count('update')} updated, ${count('unchanged')} unchanged, ${count('skip')} skipped (edited since imported).`);
  if (staged.newServices.length) lines.push(`${staged.createdSite ? `${CONFIG_FILE} ${dryRun ? 'would be created' : 'created'} with` : `${CONFIG_FILE}: appended`} ${plural(staged.newServices.length, 'service')}: ${staged.newServices.map((s) => s.id).join(', ')}.`);
  if (staged.notes.length) {
    lines.push(`Not imported as is (${staged.notes.length}):`);
    for (const n of staged.notes) lines.push(`  ${safe(n.where)}: ${safe(n.message)}`);
  }
  lines.push(...warnings(staged.diagnostics));
  if (staged.createdSite && staged.timezone) lines.push(`${CONFIG_FILE} uses the source's time zone, ${staged.timezone}, to read local times (imported times are exact, in UTC).`);
  if (staged.offerTimezone) lines.push(`The source's time zone is ${staged.offerTimezone}; ${CONFIG_FILE} has another. Set \`timezone: ${staged.offerTimezone}\` there if local times should be read in it (imported times are exact, in UTC).`);
  lines.push(...plan.remarks);
  lines.push(dryRun ? 'Nothing was written (--dry-run).' : 'Next: postmortem check, then postmortem build.');
  return `${lines.join('\n')}\n`;
}

function warnings(diagnostics: readonly Diagnostic[]): string[] {
  const byRule = new Map<string, number>();
  for (const d of diagnostics) byRule.set(d.rule, (byRule.get(d.rule) ?? 0) + 1);
  if (byRule.size === 0) return ['`postmortem check` finds nothing to report in the imported files.'];
  const out = [`\`postmortem check\` will report ${plural(diagnostics.length, 'warning')} on the imported files:`];
  for (const [rule, n] of [...byRule].sort()) out.push(`  ${n} × ${rule}: ${WHY[rule] ?? ruleById(rule)?.summary ?? ''}`);
  return out;
}

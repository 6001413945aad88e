/** `postmortem rules`: the rule catalogue, as text, JSON or the README's Markdown table. */
import { ProjectError } from '../../core/errors.js';
import type { Io } from '../../core/io.js';
import { ruleCatalogue, rulesMarkdown, rulesText } from '../../core/rules.js';
import type { Values } from '../options.js';

export async function runRules(values: Values, io: Io): Promise<number> {
  const format = values.format === undefined ? 'text' : String(values.format);
  if (format === 'json') io.out(`${JSON.stringify({ rules: ruleCatalogue() }, null, 2)}\n`);
  else if (format === 'markdown') io.out(`${rulesMarkdown()}\n`);
  else if (format === 'text') io.out(`${rulesText()}\n`);
  else throw new ProjectError(`--format must be one of text, json, markdown; found "${format}"`);
  return 0;
}

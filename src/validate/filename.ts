/** The file name is the incident's id and URL slug. */
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { slugify } from '../core/text.js';
import { SLUG_PATTERN } from './schema.js';

const slugRe = new RegExp(SLUG_PATTERN);

/** The incident id for a path relative to the root: the file name without `.md`. */
export function idFromPath(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return base.replace(/\.md$/i, '');
}

/** File-name rules: the id is a slug of at most 100 characters. */
export function checkFileName(file: string): Diagnostic[] {
  const id = idFromPath(file);
  if (slugRe.test(id) && id.length <= 100 && file.endsWith('.md')) return [];
  const hint = `rename it to "${slugify(id, { max: 100, fallback: 'incident' })}.md"`;
  const message =
    id.length > 100
      ? `the file name is the incident id and must be at most 100 characters; found ${id.length}`
      : !file.endsWith('.md')
        ? `incident files must end in ".md" (lowercase); found "${file.slice(file.lastIndexOf('/') + 1)}"`
        : `the file name is the incident id and URL slug: expected lowercase letters, digits and single hyphens (like 2020-05-29-api-outage.md); found "${id}"`;
  return [fileDiagnostic(file, Rule.InvalidFilename, message, hint)];
}

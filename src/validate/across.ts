/** Rules across files. */
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { idFromPath } from './filename.js';

/** Ids are unique across the whole tree. `files` must be sorted. */
export function checkAcrossFiles(files: readonly string[]): Diagnostic[] {
  const first = new Map<string, string>();
  const out: Diagnostic[] = [];
  for (const file of files) {
    const id = idFromPath(file);
    const other = first.get(id);
    if (other !== undefined) {
      const message = `incident id "${id}" is already used by ${other}; ids (file names) must be unique across incidents/ and its sub-folders`;
      out.push(fileDiagnostic(file, Rule.DuplicateId, message, 'rename one of the files'));
    } else first.set(id, file);
  }
  return out;
}

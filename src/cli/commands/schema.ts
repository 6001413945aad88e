/** `postmortem schema`: the JSON Schema of an incident's frontmatter (or of site.yaml), from the validator's own definitions. */
import type { Io } from '../../core/io.js';
import { incidentJsonSchema, siteJsonSchema } from '../../validate/index.js';
import type { Values } from '../options.js';

export async function runSchema(values: Values, io: Io): Promise<number> {
  io.out(`${JSON.stringify(values.site ? siteJsonSchema() : incidentJsonSchema(), null, 2)}\n`);
  return 0;
}

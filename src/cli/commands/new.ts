/**
 * `postmortem new <title>`: write `incidents/YYYY-MM-DD-<slug>.md` from the scaffold template. The text is
 * validated exactly as `check` would before anything is written: a bad severity, service or start time is
 * reported with the same diagnostics and nothing is written. An existing file is never overwritten.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../../core/diagnostic.js';
import { counts } from '../../core/diagnostic.js';
import { ProjectError } from '../../core/errors.js';
import type { Io } from '../../core/io.js';
import { buildTime } from '../../core/now.js';
import { formatReport } from '../../core/report.js';
import { parseTimestamp } from '../../core/time.js';
import { CONFIG_FILE, findIncidentFiles, INCIDENTS_DIR, readConfigText, readLocaleFiles } from '../../source/index.js';
import { idFromPath, loadConfig } from '../../validate/index.js';
import { processSource } from '../../process/index.js';
import { incidentFileName, loadScaffoldTemplate, normalizeTitle, renderScaffold, startedNow } from '../../scaffold/index.js';
import { dateIn } from '../../core/calendar.js';
import { displayZone } from '../../core/model.js';
import type { Values } from '../options.js';

export async function runNew(root: string, rawTitle: string, values: Values, io: Io): Promise<number> {
  const title = normalizeTitle(rawTitle);
  if (title === '') throw new ProjectError('the title is empty; e.g. postmortem new "Database failover"');
  const now = buildTime(io.env);

  const configText = await readConfigText(root);
  const { config, diagnostics: configDiagnostics } = loadConfig(configText, CONFIG_FILE, readLocaleFiles(root).files);
  if (!config) {
    io.err(formatReport({ diagnostics: configDiagnostics, sources: new Map([[CONFIG_FILE, configText]]), fileCount: 0 }, 'text', io.color));
    io.err(`postmortem new: ${CONFIG_FILE} has errors; nothing was written.\n`);
    return 1;
  }

  const severity = typeof values.severity === 'string' ? values.severity.trim() : 'minor';
  const services =
    typeof values.services === 'string'
      ? values.services
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : [config.services[0]!.id];
  const started = typeof values.started === 'string' ? values.started.trim() : startedNow(now);
  const parsed = parseTimestamp(started, config.timezone);
  // The file is named after the day of `started` in the zone whose days the site counts (`display_timezone`), so
  // that the date in its name is the day its pages and the API put it on; an unreadable start is reported below.
  const date = dateIn(parsed.ok ? parsed.value : now, displayZone(config));
  const file = `${INCIDENTS_DIR}/${incidentFileName(date, title)}`;
  const abs = path.join(root, ...file.split('/'));
  const shown = path.relative(io.cwd, abs) || abs;

  const schemaFile = path.join(root, 'schema', 'incident.schema.json');
  const schema = (await exists(schemaFile)) ? path.relative(path.dirname(abs), schemaFile).split(path.sep).join('/') : null;

  const template = await loadScaffoldTemplate(root);
  let text: string;
  try {
    text = renderScaffold(template.text, { title, severity, services, started, draft: values.draft === true, timezone: config.timezone, schema });
  } catch (e) {
    io.err(`postmortem new: the template ${path.relative(io.cwd, template.file) || template.file} could not be rendered: ${e instanceof Error ? e.message : String(e)}\nNothing was written.\n`);
    return 1;
  }

  // Validate as `check` would, before writing anything.
  const result = processSource(file, text, { config, now, drafts: false, html: false });
  const diagnostics: Diagnostic[] = result.diagnostics;
  const sources = new Map([[file, text]]);
  if (counts(diagnostics).errors > 0) {
    io.err(formatReport({ diagnostics, sources, fileCount: 1 }, 'text', io.color));
    io.err(`postmortem new: nothing was written.\n`);
    return 1;
  }

  if (await exists(abs)) {
    io.err(`postmortem new: ${shown} already exists; refusing to overwrite it. Choose another title, or edit that file.\n`);
    return 1;
  }
  const id = idFromPath(file);
  const { files } = await findIncidentFiles(root);
  const clash = files.find((f) => idFromPath(f) === id);
  if (clash) {
    io.err(`postmortem new: ${clash} already has the id "${id}" (ids are file names, unique across incidents/); choose another title.\n`);
    return 1;
  }

  await mkdir(path.dirname(abs), { recursive: true });
  try {
    await writeFile(abs, text, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      io.err(`postmortem new: ${shown} already exists; refusing to overwrite it.\n`);
      return 1;
    }
    throw e;
  }
  if (diagnostics.length > 0) io.err(formatReport({ diagnostics, sources, fileCount: 1 }, 'text', io.color));
  io.out(`${shown}\n`);
  return 0;
}

async function exists(abs: string): Promise<boolean> {
  return access(abs).then(
    () => true,
    () => false,
  );
}

/**
 * `postmortem stats`: the insights (the same figures as the insights pages and `api/insights.json`) in the
 * terminal or as JSON, for a span of time, one service, grouped as asked.
 */
import { counts } from '../../core/diagnostic.js';
import { ProjectError } from '../../core/errors.js';
import type { Io } from '../../core/io.js';
import { buildTime } from '../../core/now.js';
import { formatReport } from '../../core/report.js';
import { didYouMean } from '../../core/suggest.js';
import { CONFIG_FILE } from '../../source/index.js';
import { forAudience, loadProject } from '../../project/index.js';
import { computeInsights, GROUPINGS, publishable, siteModel, type Grouping } from '../../site/index.js';
import { insightsText } from '../../render/index.js';
import { parseAudience, parseFileTimeout, type Values } from '../options.js';

/**
 * A `--since`/`--until` bound: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (UTC). `--since` starts at the beginning of
 * that period, `--until` includes the whole period: `--since 2024 --until 2024` is the year 2024.
 */
export function parseBound(option: 'since' | 'until', value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value).trim();
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(s);
  const [y, mo, d] = m ? [Number(m[1]), m[2] === undefined ? undefined : Number(m[2]), m[3] === undefined ? undefined : Number(m[3])] : [NaN, undefined, undefined];
  const valid = m !== null && (mo === undefined || (mo >= 1 && mo <= 12)) && (d === undefined || (d >= 1 && d <= new Date(Date.UTC(y, mo!, 0)).getUTCDate()));
  if (!valid) throw new ProjectError(`--${option} must be a year, a month or a day such as 2024, 2024-07 or 2024-07-15; found "${s}"`);
  if (option === 'since') return Date.UTC(y, (mo ?? 1) - 1, d ?? 1);
  if (d !== undefined) return Date.UTC(y, mo! - 1, d + 1);
  if (mo !== undefined) return Date.UTC(y, mo, 1);
  return Date.UTC(y + 1, 0, 1);
}

function parseBy(value: unknown): Grouping {
  const by = value === undefined ? 'severity' : String(value);
  if ((GROUPINGS as readonly string[]).includes(by)) return by as Grouping;
  const hint = didYouMean(by, GROUPINGS);
  throw new ProjectError(`--by must be one of ${GROUPINGS.join(', ')}; found "${by}"${hint ? `; ${hint}` : ''}`);
}

function parseStatsFormat(value: unknown): 'text' | 'json' {
  const f = value === undefined ? 'text' : String(value);
  if (f === 'text' || f === 'json') return f;
  throw new ProjectError(`--format must be one of text, json; found "${f}"`);
}

export async function runStats(root: string, values: Values, io: Io): Promise<number> {
  const format = parseStatsFormat(values.format);
  const by = parseBy(values.by);
  const since = parseBound('since', values.since);
  const until = parseBound('until', values.until);
  if (since !== undefined && until !== undefined && until <= since) throw new ProjectError(`--until (${String(values.until)}) must not be before --since (${String(values.since)})`);
  const fileTimeout = parseFileTimeout(values['file-timeout']);
  const audience = parseAudience(values.audience) ?? 'public';
  const now = buildTime(io.env);
  const result = await loadProject(root, { now, drafts: false, ...(fileTimeout !== undefined ? { fileTimeoutMs: fileTimeout } : {}) });
  if (!result.config && result.diagnostics.every((d) => d.file !== CONFIG_FILE)) throw new ProjectError(`${CONFIG_FILE} could not be used`);
  if (!publishable(result)) {
    // Figures of a project that `build` would refuse would be figures of a site that does not exist.
    io.err(formatReport(result, 'text', io.color));
    io.err(`postmortem stats: ${counts(result.diagnostics).errors} errors above; fix them first (as for build)\n`);
    return 1;
  }
  const service = values.service === undefined ? undefined : String(values.service);
  if (service !== undefined && !result.config.services.some((s) => s.id === service)) {
    const ids = result.config.services.map((s) => s.id);
    const hint = didYouMean(service, ids);
    throw new ProjectError(`--service must be a service id from ${CONFIG_FILE} (${ids.join(', ')}); found "${service}"${hint ? `; ${hint}` : ''}`);
  }
  // The figures of the site of that audience: the public one's (what its insights page shows) unless asked.
  const model = siteModel(forAudience(result, audience), now, false);
  const insights = computeInsights(model.incidents, model.config, now, {
    scope: { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}), ...(service !== undefined ? { service } : {}) },
    groupings: [by],
  });
  if (format === 'json') io.out(`${JSON.stringify({ by, ...insights }, null, 2)}\n`);
  else io.out(insightsText(insights, model.config, by));
  return 0;
}

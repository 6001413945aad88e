/**
 * `api/insights.json` (all time) and `api/insights/<year>.json` (a year, with each incident's values): the numbers
 * of the insights pages, from the same computation (site/insights.ts), for dashboards and reviews. Links to the
 * years are relative to the file itself, like the incidents API's.
 */
import { isoUtc } from '../core/format.js';
import { toJson } from '../core/text.js';
import { relativeUrl } from '../core/url.js';
import { insightYears, modelInsights, type Insights, type SiteModel } from '../site/index.js';
import type { PendingFile } from './types.js';

export const INSIGHTS_API_PATH = 'api/insights.json';
export const insightsYearApiPath = (year: string) => `api/insights/${year}.json`;

/** An insights record as the API gives it: every figure, with the method and the smallest counts. */
export function insightsRecord(model: SiteModel, insights: Insights, year: string | null, path: string) {
  return {
    generated_at: isoUtc(model.now),
    year,
    ...insights,
    years: insightYears(model.incidents).map((y) => ({ ...y, url: relativeUrl(path.replace(/[^/]*$/, ''), insightsYearApiPath(y.year)) })),
  };
}

export function insightsApiFiles(model: SiteModel): PendingFile[] {
  const files: PendingFile[] = [{ path: INSIGHTS_API_PATH, render: () => toJson(insightsRecord(model, modelInsights(model, null), null, INSIGHTS_API_PATH)) }];
  for (const { year } of insightYears(model.incidents)) {
    const path = insightsYearApiPath(year);
    files.push({ path, render: () => toJson(insightsRecord(model, modelInsights(model, year), year, path)) });
  }
  return files;
}

/**
 * Stage 10, import: another status page's history → incident files and services in the project. A source is read
 * whole into a plan (statuspage.ts, cstate.ts), the plan is staged against the project and checked as `check`
 * would (staging.ts), and only then written (commit.ts). Nothing is written on any error.
 */
export type { ImportPlan, Note, PlannedIncident, PlannedService } from './plan.js';
export { DEFAULT_FETCH, FetchError, MAX_INPUT_BYTES, type FetchOptions } from './http.js';
export { statuspagePlan, PUBLIC_LIST_LIMIT } from './statuspage.js';
export { readExportFiles, readManagementApi, readPublicApi, MANAGEMENT_PAGE_SIZE } from './statuspage-source.js';
export { cstatePlan } from './cstate.js';
export { ImportError, stage, appendServices, type Staged, type StagedFile } from './staging.js';
export { commitStaged, Interrupted } from './commit.js';
export { importReport } from './report.js';
export { readMarker, textHash } from './writer.js';
export { plainToMarkdown } from './text.js';

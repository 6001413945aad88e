/**
 * Stage 8, render: the site model → every file of the site, not rendered yet: pages (eta templates), feeds, the
 * Statuspage-compatible and our own JSON API, badges. outputs.ts is the one producer that `build` and `dev` share.
 */
export type { OutputFile, PendingFile, SearchOutput } from './types.js';
export { buildSearchIndex, PAGEFIND_VERSION, SiteSearch, type SearchIndexOptions } from './search-index.js';
export { SiteOutputs, OUTPUT_GROUPS, renderNow, type OutputGroup } from './outputs.js';
export { createRenderer, type Renderer, type RendererOptions } from './renderer.js';
export { BUILTIN_TEMPLATES_DIR, loadTemplates, REQUIRED_TEMPLATES, TemplateError, templateDiagnostics, type LoadedTemplates, type TemplateSource } from './templates.js';
export { ACTIONS_PAGE_SIZE, HISTORY_PAGE_SIZE, LIST_PAGE_SIZE, TEMPLATES, type MonthGroup, type PageData, type PageMeta, type Pagination, type YearLink } from './pages.js';
export { Helpers, type UpdateView } from './helpers.js';
export { label, STATUS_LABEL } from './labels.js';
export * from './feeds.js';
export * from './api.js';
export * from './badges.js';
export { latestUpdate, NOTIFY_SNAPSHOT_FORMAT, NOTIFY_SNAPSHOT_PATH, NOTIFY_SNAPSHOT_VERSION, notifySnapshot, type IncidentPhase, type NotifySnapshot, type SnapshotIncident, type SnapshotService } from './notify-snapshot.js';
export { EMBED_PATH, embedPage } from './embed.js';
export { insightsApiFiles, insightsRecord, INSIGHTS_API_PATH, insightsYearApiPath } from './insights-api.js';
export { METRIC_LABEL } from './insights-text.js';
export { insightsText } from './insights-text.js';

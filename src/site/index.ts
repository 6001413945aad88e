/**
 * Stage 7, site: validated incidents and the configuration → the site model with every derived figure (statuses,
 * durations, uptime, actions, groups), shared by every page, feed and API file.
 */
export type * from './types.js';
export { buildSiteModel, RECENT_DAYS, type SiteModelOptions } from './model.js';
export { compareIncidents, incidentDurations, incidentStatus, incidentUpdatedAt, isMaintenance, isOngoing, isUpcoming, statusUpdates } from './incident.js';
export { hasImpactChanges, impactAt, impactedMs, incidentPhases, servicePhases, type Phase, type ServicePhases } from './phases.js';
export { dateToMs, downtimeByPeriod, downtimeSegments, serviceUptime, startOfDay, type ServiceSpan, type UptimeResult } from './uptime.js';
export { overallStatus } from './overall.js';
export { collectActions } from './actions.js';
export { groupServices } from './groups.js';
export { incidentFingerprint } from './fingerprint.js';
export { patchIncidentModel, PATCH_MAX_AGE_MS, publishable, siteModel } from './patch.js';
export { BIN_EDGES_MS, binOf, distribution, MIN_N, PERCENTILE_METHOD, type Distribution } from './stats.js';
export { computeInsights, factorKey, GROUPINGS, INCIDENT_SEVERITIES, insightIncidents, insightYears, METRICS, metricValue, modelInsights, quarterOf, yearScope, type GroupRow, type Grouping, type Insights, type InsightsOptions, type InsightsScope, type Metric, type MetricFigure } from './insights.js';
export { MAX_RELATED, MIN_SCORE, relatedIncidents, WALK, words, type Related, type RelatedReason } from './related.js';
export { htmlText, recordHash, searchRecord, searchShards, SHARD_MAX, type SearchRecord, type SearchShard } from './search.js';

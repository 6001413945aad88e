/**
 * Stage 3, validate: parsed documents → validated incidents and site configuration, with diagnostics. One zod
 * schema (schema.ts) drives both the validation of shapes and `postmortem schema`; the rules that need context
 * are grouped by what they check (times, services, timeline, actions, warnings).
 */
export { incidentJsonSchema, incidentSchema, internalSiteSchema, KEY_HINTS, KNOWN_KEYS, notifyTargetSchema, siteJsonSchema, siteSchema, SLUG_PATTERN, type RawIncident } from './schema.js';
export { INTERNAL_OUTPUT, loadConfig, outputProblem, readBaseUrl, type LoadedConfig } from './config.js';
export { checkNotifyTargets, configTextWithoutNotify } from './notify.js';
export { validateDocument, type Validated } from './incident.js';
export { linkedIncident, siteAddresses, type IncidentRef } from './refs.js';
export type { ValidateContext } from './checker.js';
export { inWindow, openWindow, type NowWindow } from './now-window.js';
export { checkFileName, idFromPath } from './filename.js';
export { checkAcrossFiles } from './across.js';
export { checkGroupWeight, valueBytes } from './limits.js';
export { LONG_ONGOING_DAYS } from './warnings.js';
export { hintOnlySections, MAINTENANCE_SUMMARY_PLACEHOLDER, ROOT_CAUSE_PLACEHOLDER, SUMMARY_PLACEHOLDER, VALUE_PLACEHOLDER } from './placeholders.js';
export { describe, issuesToDiagnostics, pathString } from './issues.js';

/**
 * Stage 6, project: the project's files → one result (configuration, incidents, HTML, diagnostics). One loader
 * for every command (state.ts), fed by the build cache (cache.ts) for `build` and kept in memory by `dev`.
 */
export { assemble, type ProjectResult } from './assemble.js';
export { loadProject, ProjectState, withBaseUrl, type LoadOptions, type ChangeSummary, type Changes, type ProjectMode, type ProjectStateOptions } from './state.js';
export { BuildCache, CACHE_DIR, cacheFolder, cacheKey, CACHE_FORMAT, intlVersions, toolIdentity, type FileStamp } from './cache.js';
export { judgeByChanges, type JudgedByChanges } from './changes.js';
export { audienceConfig, fileForAudience, forAudience, publicOptions } from './audience.js';
export { internalLinks } from './assemble.js';

/** Stage 10, pipeline: the stages put together, as `build` runs them. */
export { generateSite, generateSites, SEARCH_STORE, searchContext, searchStore, writeSite, type BuildOptions, type Generated, type WriteSummary } from './build.js';

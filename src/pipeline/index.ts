/** Stage 10, pipeline: the stages put together, as `build` runs them. */
export { generateSite, SEARCH_STORE, searchContext, writeSite, type BuildOptions, type Generated, type WriteSummary } from './build.js';

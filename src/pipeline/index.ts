/** Stage 10, pipeline: the stages put together, as `build` runs them. */
export { generateSite, writeSite, type BuildOptions, type Generated, type WriteSummary } from './build.js';

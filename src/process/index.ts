/**
 * Stage 5, process: one incident file → its result (incident, HTML, diagnostics), within the time budget, on this
 * thread or a worker as the processor decides. Used the same way by `check`, `build` and `dev`.
 */
export { contentHash } from '../core/hash.js';
export { htmlCacheKey, loadMarkdown, processFile, processSource, type FileContext, type FileResult } from './process.js';
export { FileProcessor, PARALLEL_MIN_FILES, placement, processFiles, type FileJob, type ProcessorOptions } from './processor.js';
export { defaultJobs, FileWorkers, type JobContext } from './pool.js';
export { DEFAULT_FILE_TIMEOUT_MS, fileTooSlow, formatSeconds, inThreadLimit, MAX_FILE_TIMEOUT_S, MIN_FILE_TIMEOUT_S } from './budget.js';

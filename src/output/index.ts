/**
 * Stage 9, output: the site's files → the output folder, atomically (staged beside it, swapped in), writing only
 * what changed since the previous output when the build cache records it.
 */
export { safeOutputPath } from './paths.js';
export { writeOutput, type WriteOutputOptions, type WriteOutputResult } from './write.js';
export { OutputError, RenderError } from './errors.js';
export { isPreviousOutput, OUTPUT_SIGNATURE, prepareOutputFolder } from './target.js';
export { HEARTBEAT_MS, lockPath, OutputLock, STALE_MS } from './lock.js';
export { writeFresh, updateTree } from './tree.js';
export { folderIdentity, outputPlaces, readRecord, writeRecord } from './records.js';
export { copyStatic, staticConflicts } from './static.js';
export { stagingDir, swapIn } from './swap.js';
export type { KnownOutput, OutputKeys, WriteResult } from './files.js';

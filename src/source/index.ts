/** Stage 1, files: finding and reading the project's inputs safely. Every problem is a located diagnostic. */
export { CACHE_DIR, CONFIG_FILE, INCIDENTS_DIR, LOCALES_DIR, STATIC_DIR, TEMPLATES_DIR } from './layout.js';
export { checkImages, readImage, readLocaleFiles } from './project-files.js';
export { readConfigText } from './config-file.js';
export { canOwnFolder, realRootOf, refusal, refusalMessage, resolveInput, resolveInputSync, type Refusal, type Resolved } from './inputs.js';
export { listStaticFiles, listTemplateFiles, MAX_STATIC_PATH, type InputFiles, type StaticFiles } from './folders.js';
export { decode, findIncidentFiles, firstInvalidUtf8, MAX_FILE_BYTES, readSource, readSourceSync, type SourceFile } from './files.js';
export { changedSince, type BranchChanges } from './git.js';

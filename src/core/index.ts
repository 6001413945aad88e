/**
 * Stage 0, core: what every stage shares. The domain types, diagnostics and the rule catalogue, time and its
 * formats, text and URL helpers, hashing. Imports nothing else of src/.
 */
export * from './model.js';
export * from './audience.js';
export * from './notify.js';
export * from './rules.js';
export * from './diagnostic.js';
export { displayLine, escapeControls, escapeControlsKeepLines, jsonForTerminal, say, TAB_WIDTH } from './terminal.js';
export { formatGithub, formatJson, formatReport, formatText, type ReportFormat, type Reportable } from './report.js';
export { defaultIo, type Io } from './io.js';
export * from './time.js';
export * from './format.js';
export * from './text.js';
export * from './url.js';
export * from './actions.js';
export * from './status.js';
export * from './compare.js';
export * from './hash.js';
export { ProjectError } from './errors.js';
export { buildTime } from './now.js';
export { closest, didYouMean } from './suggest.js';
export { COMPILED_ROOT, PACKAGE_ROOT, packageName, packageVersion } from './paths.js';

/**
 * Stage 2, parse: a file's text → its YAML frontmatter (with node ranges) and Markdown body, every offset
 * mappable to a line and column. Never throws for any input.
 */
export { parseIncidentText, parseYamlFile, type ParsedDocument, type ParsedYaml } from './document.js';
export { diagnosticAt, LineIndex, type Span } from './lines.js';
export { locateFrontmatter, type FrontmatterSpan } from './frontmatter.js';
export { LIMITS, markdownNesting, yamlNesting } from './nesting.js';
export { formatSize, markdownWeight, OUTPUT_LIMITS, type MarkdownWeight } from './limits.js';
export { nodeAt, spanOf } from './yaml.js';
export { emptyValueHint, lineTextAt } from './yaml-hints.js';
export { findImages, type FoundImage } from './images.js';
export { holdsInternalOpening, INTERNAL_NAME, isInternalSection, markdownParser, mayHaveInternal, remarkInternalSections, scanMarkdown, type FoundLink, type MarkdownScan } from './internal.js';

/**
 * Stage 4, markdown: an incident's Markdown → sanitized HTML (remark-parse + remark-gfm → remark-rehype →
 * rehype-sanitize). Loaded only by the commands that render (`build`, `dev`): `check` never pays for it.
 */
export { ENGLISH_WORDS, isPlainInline, renderIncidentHtml, renderInline, renderInlineParsed, renderMarkdown, renderTree, type MarkdownWords, type RenderContext } from './markdown.js';

/**
 * Stage 4, markdown: an incident's Markdown → sanitized HTML (remark-parse + remark-gfm → remark-rehype →
 * rehype-sanitize). Loaded only by the commands that render (`build`, `dev`): `check` never pays for it.
 */
export { isPlainInline, renderIncidentHtml, renderInline, renderInlineParsed, renderMarkdown, renderTree } from './markdown.js';

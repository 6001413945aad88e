/**
 * `template-placeholder`: text an author was meant to replace, still in the file. `postmortem new` writes a file
 * that is valid as written, so without this rule its placeholder summary and its empty sections would go out on
 * the status page and in the feeds. Two kinds are found:
 *
 * - a frontmatter string holding one of the built-in scaffold's placeholder sentences (defined here, used by the
 *   scaffold), or the bare `…` its commented hints use for values;
 * - a Markdown section holding nothing but HTML comments: the hints of the template (ours or a project's own),
 *   which readers never see, leaving an empty heading on the page.
 *
 * Like `missing-root-cause`, drafts are spared unless `--drafts`: a draft is not published. One linear scan of
 * the body (no regular expression that can backtrack over a hostile line), no Markdown parse.
 */
import { Rule } from '../core/rules.js';
import { diagnosticAt } from '../parse/index.js';
import type { Checker, FramePath } from './checker.js';
import { pathName } from './checker.js';

/** The scaffold's summary of an incident. */
export const SUMMARY_PLACEHOLDER = 'Write one paragraph for readers: what customers saw, for how long, and whether it is over.';
/** The scaffold's summary of planned maintenance. */
export const MAINTENANCE_SUMMARY_PLACEHOLDER = 'Write one paragraph for readers: what will be done, what they will notice, and for how long.';
/** The scaffold's root cause, written when the incident is created already resolved. */
export const ROOT_CAUSE_PLACEHOLDER = 'Write the short answer to why it happened; the long story goes in the body.';
/** What the scaffold's commented hints put where a value goes. */
export const VALUE_PLACEHOLDER = '…';

const SENTENCES = [SUMMARY_PLACEHOLDER, MAINTENANCE_SUMMARY_PLACEHOLDER, ROOT_CAUSE_PLACEHOLDER];

/** The frontmatter keys that hold an author's text (an unknown key is already an error, and is not walked). */
const TEXT_KEYS = ['title', 'summary', 'root_cause', 'contributing_factors', 'timeline', 'actions', 'authors'] as const;

export function checkPlaceholders(c: Checker): void {
  if (!c.published) return;
  const raw = c.raw as Record<string, unknown>;
  for (const key of TEXT_KEYS) {
    eachString(raw[key], [key], (path, value) => {
      const sentence = SENTENCES.find((s) => value.includes(s));
      const where = pathName(path);
      if (sentence !== undefined) {
        c.flag(path, Rule.TemplatePlaceholder, `${where} still holds the template's placeholder "${sentence.slice(0, 40)}…"; readers would see it on the site and in the feeds`, 'replace it with your own text');
      } else if (value.trim() === VALUE_PLACEHOLDER) {
        c.flag(path, Rule.TemplatePlaceholder, `${where} is the template's placeholder "${VALUE_PLACEHOLDER}"`, 'write the value, or delete the line');
      }
    });
  }
  for (const section of hintOnlySections(c.doc.body)) {
    const start = c.doc.bodyOffset + section.offset;
    c.out.push(
      diagnosticAt(
        c.doc, { start, end: start + section.length }, Rule.TemplatePlaceholder,
        `the section "${section.heading}" holds nothing but the template's hint (a comment readers never see); the page would show an empty heading`,
        'write the section, or delete its heading',
      ),
    );
  }
}

/** Every string inside a value, with its path (one mutable path, never copied: long lists stay cheap). */
function eachString(value: unknown, path: PropertyKey[], visit: (path: FramePath, s: string) => void): void {
  if (typeof value === 'string') visit(path, value);
  else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null || typeof value[i] !== 'object' && typeof value[i] !== 'string') continue;
      path.push(i);
      eachString(value[i], path, visit);
      path.pop();
    }
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      path.push(k);
      eachString((value as Record<string, unknown>)[k], path, visit);
      path.pop();
    }
  }
}

export interface HintOnlySection {
  /** The heading line as written, trimmed (`## Impact`). */
  heading: string;
  /** Offset of the heading line in the body, and its length. */
  offset: number;
  length: number;
}

interface OpenSection extends HintOnlySection {
  level: number;
  content: boolean;
  comment: boolean;
}

/**
 * ATX headings whose section (up to the next heading) holds at least one HTML comment and nothing else. A heading
 * directly followed by a deeper one is a parent (`## Lessons learned` over `### What went well`), not empty.
 * Headings inside fenced code are text.
 */
export function hintOnlySections(body: string): HintOnlySection[] {
  const found: HintOnlySection[] = [];
  // Most bodies hold no comment at all: one native search instead of a scan of every line.
  if (!body.includes('<!--')) return found;
  let open: OpenSection | null = null;
  let inComment = false;
  let fence: string | null = null;
  const close = (nextLevel: number) => {
    if (open && !open.content && open.comment && !(nextLevel > open.level)) found.push({ heading: open.heading, offset: open.offset, length: open.length });
    open = null;
  };
  for (const { line, offset } of lines(body)) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (!inComment && (fence !== null || marker !== undefined)) {
      if (fence === null) fence = marker!;
      else if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
      if (open) open.content = true;
      continue;
    }
    const level = inComment ? 0 : headingLevel(line);
    if (level > 0) {
      close(level);
      open = { heading: line.trim(), offset: offset + line.length - line.trimStart().length, length: line.trim().length, level, content: false, comment: false };
      continue;
    }
    const scanned = stripComments(line, inComment);
    inComment = scanned.inComment;
    if (open) {
      if (scanned.text.trim() !== '') open.content = true;
      if (scanned.comment) open.comment = true;
    }
  }
  close(0);
  return found;
}

/** 1–6 for an ATX heading line (`## Impact`), else 0. */
function headingLevel(line: string): number {
  const m = /^ {0,3}(#{1,6})(?:[ \t]|$)/.exec(line);
  return m ? m[1]!.length : 0;
}

/** A line without its HTML comments (`<!-- … -->`, possibly continuing from or onto other lines). Linear. */
function stripComments(line: string, inComment: boolean): { text: string; inComment: boolean; comment: boolean } {
  let text = '';
  let i = 0;
  let comment = inComment;
  while (i < line.length) {
    if (inComment) {
      const end = line.indexOf('-->', i);
      if (end < 0) return { text, inComment: true, comment };
      i = end + 3;
      inComment = false;
    } else {
      const start = line.indexOf('<!--', i);
      if (start < 0) {
        text += line.slice(i);
        break;
      }
      text += line.slice(i, start);
      i = start + 4;
      inComment = true;
      comment = true;
    }
  }
  return { text, inComment, comment };
}

/** The lines of a text (LF, CRLF or CR), each with its offset. */
function* lines(text: string): Generator<{ line: string; offset: number }> {
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13) {
      yield { line: text.slice(start, i), offset: start };
      if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  if (start < text.length) yield { line: text.slice(start), offset: start };
}

/**
 * What each group of incident rules works with: the document, the values that passed the schema, the context,
 * and one way to report a problem at a path of the frontmatter.
 */
import type { SiteConfig } from '../core/model.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { AnyRule } from '../core/rules.js';
import { diagnosticAt, spanOf, type ParsedDocument } from '../parse/index.js';
import type { RawIncident } from './schema.js';
import type { NowWindow } from './now-window.js';

export interface ValidateContext {
  config: SiteConfig;
  /** "Now", ms. */
  now: number;
  /** Treat drafts as published: the warnings that spare drafts apply to them too. */
  drafts?: boolean;
  /** Filled in by validation (see now-window.ts). */
  nowWindow?: NowWindow;
}

export type FramePath = readonly PropertyKey[];

export class Checker {
  readonly out: Diagnostic[] = [];
  readonly isMaintenance: boolean;
  /** Published (or drafts count as published): the warnings that spare drafts apply. */
  readonly published: boolean;

  constructor(
    readonly doc: ParsedDocument,
    readonly raw: Partial<RawIncident>,
    readonly ctx: ValidateContext,
  ) {
    this.isMaintenance = raw.severity === 'maintenance';
    this.published = !raw.draft || ctx.drafts === true;
  }

  get now(): number {
    return this.ctx.now;
  }

  get window(): NowWindow | undefined {
    return this.ctx.nowWindow;
  }

  /** Report `rule` at the value (or the key) at `path` of the frontmatter. */
  flag(path: FramePath, rule: AnyRule, message: string, hint?: string, which: 'value' | 'key' = 'value'): void {
    this.out.push(diagnosticAt(this.doc, spanOf(this.doc, path, which), rule, message, hint));
  }

  /** Whether the frontmatter has this key written, valid or not. */
  written(key: string): boolean {
    const data = this.doc.data;
    return data !== null && typeof data === 'object' && Object.hasOwn(data, key);
  }
}

/** `timeline[2].at` */
export function pathName(path: FramePath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${String(p)}` : String(p))).join('');
}

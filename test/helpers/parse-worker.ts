/**
 * A worker thread that runs the parsing pipeline on one input at a time, so that a test can bound its time:
 * when an input hangs the parser, the test terminates the worker and fails, instead of blocking the suite.
 *
 * Each message is a file's bytes (decoded as `readSource` does) or its text; the reply says what the pipeline
 * reported (diagnostics, whether it rendered HTML) or the exception it threw, and how long it took.
 */
import { parentPort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { decode } from '../../src/source/index.js';
import { loadConfig } from '../../src/validate/index.js';
import { loadMarkdown, processSource, type FileContext } from '../../src/process/index.js';
import type { Diagnostic } from '../../src/core/index.js';

export interface ParseRequest {
  id: number;
  file: string;
  /** Raw bytes (decoded strictly, as files are read) or text. */
  bytes?: Uint8Array;
  text?: string;
}

export interface ParseReply {
  id: number;
  ms: number;
  /** The exception's stack, when the pipeline threw: always a failure. */
  threw?: string;
  diagnostics: Pick<Diagnostic, 'rule' | 'severity' | 'line' | 'column' | 'message'>[];
  /** Lines of the decoded text (1 when it could not be decoded). */
  lines: number;
  /** The incident was valid and its HTML rendered. */
  rendered: boolean;
  htmlBytes: number;
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const config = loadConfig(readFileSync(path.join(repo, 'site.yaml'), 'utf8')).config;
const ctx: FileContext = { config, now: Date.parse('2026-11-21T12:00:00Z'), drafts: true, html: true };
const ready = parentPort ? loadMarkdown() : Promise.resolve();

// `node --test build/test/` also runs this file on its own (it is under test/): then there is nothing to do.
parentPort?.on('message', async (req: ParseRequest) => {
  await ready;
  const start = performance.now();
  const reply: ParseReply = { id: req.id, ms: 0, diagnostics: [], lines: 1, rendered: false, htmlBytes: 0 };
  try {
    let text = req.text;
    if (req.bytes) {
      const decoded = decode(req.file, req.bytes);
      if ('text' in decoded) text = decoded.text;
      else {
        reply.diagnostics.push(decoded);
        reply.lines = new TextDecoder('utf-8').decode(req.bytes).split(/\r\n|\r|\n/).length;
      }
    }
    if (text !== undefined) {
      reply.lines = text.split(/\r\n|\r|\n/).length;
      const r = processSource(req.file, text, ctx);
      reply.diagnostics.push(...r.diagnostics);
      if (r.html) {
        reply.rendered = true;
        reply.htmlBytes = r.html.bodyHtml.length + r.html.rootCauseHtml.length + r.html.timelineHtml.reduce((n, h) => n + h.length, 0);
      }
    }
  } catch (e) {
    reply.threw = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  reply.ms = performance.now() - start;
  reply.diagnostics = reply.diagnostics.map((d) => ({ rule: d.rule, severity: d.severity, line: d.line, column: d.column, message: d.message }));
  parentPort!.postMessage(reply);
});

/**
 * Turn schema (zod) issues into diagnostics that point at the exact YAML node and say what was expected
 * and what was found, with a "did you mean" where a close candidate exists.
 */
import type { z } from 'zod';
import type { Diagnostic } from '../core/model.js';
import { diagnosticAt, spanOf, type ParsedYaml } from '../parse/document.js';
import { didYouMean } from '../core/suggest.js';
import { KNOWN_KEYS } from './schema.js';
import { parseTimestamp } from '../core/time.js';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

export function pathString(path: Path): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || 'the frontmatter';
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
};

function valueAt(data: unknown, path: Path): unknown {
  let v: unknown = data;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p as string];
  }
  return v;
}

/** Whether the issue is about a key that is absent from its mapping (rather than present with a bad value). */
function isMissingKey(data: unknown, path: Path, value: unknown): boolean {
  const parent = valueAt(data, path.slice(0, -1));
  const key = path[path.length - 1];
  return value === undefined && typeof key === 'string' && !!parent && typeof parent === 'object' && !Array.isArray(parent) && !Object.hasOwn(parent, key);
}

function keysFor(scope: 'incident' | 'site', path: Path): readonly string[] {
  const pattern = [scope, ...path.map((p) => (typeof p === 'number' ? '*' : String(p)))].join('.');
  return KNOWN_KEYS[pattern] ?? [];
}

/** Diagnostics for the issues of one validation of `data` (the YAML of `doc`). */
export function issuesToDiagnostics(
  doc: ParsedYaml,
  data: unknown,
  issues: readonly Issue[],
  scope: 'incident' | 'site',
  prefix: Path = [],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const value = valueAt(data, path);
    const where = pathString(path);
    const at = (p: Path, which: 'value' | 'key' = 'value') => spanOf(doc, p, which);
    switch (issue.code) {
      case 'invalid_type': {
        const expected = EXPECTED[issue.expected] ?? issue.expected;
        const key = path[path.length - 1];
        if (isMissingKey(data, path, value)) {
          const inside = path.length > 1 ? ` in ${pathString(path.slice(0, -1))}` : '';
          out.push(diagnosticAt(doc, at(path.slice(0, -1)), 'error', 'missing-key', `missing required key "${String(key)}"${inside}; expected ${expected}`));
        } else {
          out.push(diagnosticAt(doc, at(path), 'error', 'invalid-type', `${where} must be ${expected}; found ${describe(value)}`));
        }
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map(String);
        if (isMissingKey(data, path, value)) {
          const key = String(path[path.length - 1]);
          const inside = path.length > 1 ? ` in ${pathString(path.slice(0, -1))}` : '';
          out.push(diagnosticAt(doc, at(path.slice(0, -1)), 'error', 'missing-key', `missing required key "${key}"${inside}; expected one of ${values.join(', ')}`));
          break;
        }
        out.push(
          diagnosticAt(
            doc,
            at(path),
            'error',
            'invalid-enum',
            `${where} must be one of ${values.join(', ')}; found ${describe(value)}`,
            typeof value === 'string' ? didYouMean(value, values) : undefined,
          ),
        );
        break;
      }
      case 'unrecognized_keys': {
        const known = keysFor(scope, path);
        for (const key of issue.keys) {
          const hint = didYouMean(key, known);
          const inside = path.length ? ` in ${where}` : '';
          out.push(
            diagnosticAt(
              doc,
              at([...path, key], 'key'),
              'error',
              'unknown-key',
              `unknown key "${key}"${inside}; expected one of ${known.join(', ')}`,
              hint,
            ),
          );
        }
        break;
      }
      case 'too_small': {
        const min = Number(issue.minimum);
        const msg =
          issue.origin === 'string'
            ? min <= 1
              ? `${where} must not be empty`
              : `${where} must be at least ${min} characters; found ${String(value).length}`
            : issue.origin === 'array'
              ? `${where} must list at least ${min} item${min === 1 ? '' : 's'}; found ${Array.isArray(value) ? value.length : 0}`
              : `${where} must be at least ${min}; found ${describe(value)}`;
        out.push(diagnosticAt(doc, at(path), 'error', 'invalid-value', msg));
        break;
      }
      case 'too_big': {
        const max = Number(issue.maximum);
        const msg =
          issue.origin === 'string'
            ? `${where} must be at most ${max} characters; found ${String(value).length}`
            : issue.origin === 'array'
              ? `${where} must list at most ${max} items; found ${Array.isArray(value) ? value.length : 0}`
              : `${where} must be at most ${max}; found ${describe(value)}`;
        out.push(diagnosticAt(doc, at(path), 'error', 'invalid-value', msg));
        break;
      }
      case 'invalid_format': {
        const isTimestamp = /timestamp/.test(issue.message);
        const specific = isTimestamp && typeof value === 'string' ? parseTimestamp(value, 'UTC') : undefined;
        if (specific && !specific.ok) {
          out.push(diagnosticAt(doc, at(path), 'error', specific.rule, `${where}: ${specific.message}`, specific.hint));
          break;
        }
        const rule = isTimestamp ? 'invalid-timestamp' : /date/.test(issue.message) ? 'invalid-date' : 'invalid-format';
        out.push(diagnosticAt(doc, at(path), 'error', rule, `${where}: ${issue.message}; found ${describe(value)}`));
        break;
      }
      case 'invalid_union': {
        // The only union is a service reference: follow the branch of the kind written (an id or a mapping).
        const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
        const branch = typeof value === 'string' ? issue.errors[0] : isObject ? issue.errors[1] : undefined;
        if (branch && (typeof value === 'string' || isObject)) {
          out.push(...issuesToDiagnostics(doc, data, branch, scope, path));
        } else {
          out.push(
            diagnosticAt(doc, at(path), 'error', 'invalid-type', `${where} must be a service id or a mapping {id, impact}; found ${describe(value)}`),
          );
        }
        break;
      }
      default:
        out.push(diagnosticAt(doc, at(path), 'error', 'invalid-value', `${where}: ${issue.message}`));
    }
  }
  return out;
}

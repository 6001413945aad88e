/**
 * Turn schema (zod) issues into diagnostics that point at the exact YAML node and say what was expected
 * and what was found, with a "did you mean" where a close candidate exists.
 */
import type { z } from 'zod';
import type { Diagnostic } from '../core/diagnostic.js';
import { Rule, type AnyRule } from '../core/rules.js';
import { plural } from '../core/text.js';
import { diagnosticAt, emptyValueHint, lineTextAt, spanOf, type ParsedYaml } from '../parse/index.js';
import { didYouMean } from '../core/suggest.js';
import { KEY_HINTS, KNOWN_KEYS } from './schema.js';
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
  record: 'a mapping (key: value)',
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

function patternOf(scope: 'incident' | 'site', path: Path): string {
  return [scope, ...path.map((p) => (typeof p === 'number' ? '*' : String(p)))].join('.');
}

function keysFor(scope: 'incident' | 'site', path: Path): readonly string[] {
  return KNOWN_KEYS[patternOf(scope, path)] ?? [];
}

/** What a handler of one kind of zod issue works with. */
interface IssueContext {
  doc: ParsedYaml;
  data: unknown;
  scope: 'incident' | 'site';
  path: Path;
  value: unknown;
  where: string;
  out: Diagnostic[];
  /** Report `rule` at the value (or key) at `p`. */
  flag: (p: Path, rule: AnyRule, message: string, hint?: string, which?: 'value' | 'key') => void;
}

/** `missing required key "x" in timeline[2]` when the issue is about an absent key, else null. */
function missingKey(c: IssueContext, expected: string): boolean {
  if (!isMissingKey(c.data, c.path, c.value)) return false;
  const key = String(c.path[c.path.length - 1]);
  const inside = c.path.length > 1 ? ` in ${pathString(c.path.slice(0, -1))}` : '';
  c.flag(c.path.slice(0, -1), Rule.MissingKey, `missing required key "${key}"${inside}; expected ${expected}`);
  return true;
}

function invalidType(c: IssueContext, issue: Extract<Issue, { code: 'invalid_type' }>): void {
  const expected = EXPECTED[issue.expected] ?? issue.expected;
  if (missingKey(c, expected)) return;
  const hint = c.value === null ? emptyValueHint(lineTextAt(c.doc.text, spanOf(c.doc, c.path, 'key').start)) : undefined;
  c.flag(c.path, Rule.InvalidType, `${c.where} must be ${expected}; found ${describe(c.value)}`, hint);
}

function invalidValue(c: IssueContext, issue: Extract<Issue, { code: 'invalid_value' }>): void {
  const values = issue.values.map(String);
  if (missingKey(c, `one of ${values.join(', ')}`)) return;
  const hint = typeof c.value === 'string' ? didYouMean(c.value, values) : undefined;
  c.flag(c.path, Rule.InvalidEnum, `${c.where} must be one of ${values.join(', ')}; found ${describe(c.value)}`, hint);
}

function unknownKeys(c: IssueContext, issue: Extract<Issue, { code: 'unrecognized_keys' }>): void {
  const known = keysFor(c.scope, c.path);
  const inside = c.path.length ? ` in ${c.where}` : '';
  for (const key of issue.keys) {
    const hint = KEY_HINTS[patternOf(c.scope, c.path)]?.[key] ?? didYouMean(key, known);
    c.flag([...c.path, key], Rule.UnknownKey, `unknown key "${key}"${inside}; expected one of ${known.join(', ')}`, hint, 'key');
  }
}

function tooSmall(c: IssueContext, issue: Extract<Issue, { code: 'too_small' }>): void {
  const min = Number(issue.minimum);
  const { where, value } = c;
  const msg =
    issue.origin === 'string'
      ? min <= 1
        ? `${where} must not be empty`
        : `${where} must be at least ${min} characters; found ${String(value).length}`
      : issue.origin === 'array'
        ? `${where} must list at least ${plural(min, 'item')}; found ${Array.isArray(value) ? value.length : 0}`
        : `${where} must be at least ${min}; found ${describe(value)}`;
  c.flag(c.path, Rule.InvalidValue, msg);
}

function tooBig(c: IssueContext, issue: Extract<Issue, { code: 'too_big' }>): void {
  const max = Number(issue.maximum);
  const { where, value } = c;
  const msg =
    issue.origin === 'string'
      ? `${where} must be at most ${max} characters; found ${String(value).length}`
      : issue.origin === 'array'
        ? `${where} must list at most ${max} items; found ${Array.isArray(value) ? value.length : 0}`
        : `${where} must be at most ${max}; found ${describe(value)}`;
  c.flag(c.path, Rule.InvalidValue, msg);
}

function invalidFormat(c: IssueContext, issue: Extract<Issue, { code: 'invalid_format' }>): void {
  const isTimestamp = /timestamp/.test(issue.message);
  // A timestamp says precisely what is wrong with it (a date alone, a day not in the calendar, …).
  const specific = isTimestamp && typeof c.value === 'string' ? parseTimestamp(c.value, 'UTC') : undefined;
  if (specific && !specific.ok) return c.flag(c.path, specific.rule, `${c.where}: ${specific.message}`, specific.hint);
  const rule = isTimestamp ? Rule.InvalidTimestamp : /date/.test(issue.message) ? Rule.InvalidDate : Rule.InvalidFormat;
  c.flag(c.path, rule, `${c.where}: ${issue.message}; found ${describe(c.value)}`);
}

/** What each union of the format (a string, or a mapping) expects, by path pattern. */
const UNIONS: Record<string, string> = {
  'incident.services.*': 'a service id or a mapping {id, impact}',
  'incident.contributing_factors.*': 'a sentence, or a mapping {text, internal}',
  'incident.responders.*': 'a name, or a mapping {name, role}',
};

/** Each union is a string or a mapping: follow the branch of the kind written. */
function invalidUnion(c: IssueContext, issue: Extract<Issue, { code: 'invalid_union' }>): void {
  const isObject = c.value !== null && typeof c.value === 'object' && !Array.isArray(c.value);
  const branch = typeof c.value === 'string' ? issue.errors[0] : isObject ? issue.errors[1] : undefined;
  if (branch) c.out.push(...issuesToDiagnostics(c.doc, c.data, branch, c.scope, c.path));
  else c.flag(c.path, Rule.InvalidType, `${c.where} must be ${UNIONS[patternOf(c.scope, c.path)] ?? 'a string or a mapping'}; found ${describe(c.value)}`);
}

/** Diagnostics for the issues of one validation of `data` (the YAML of `doc`). */
export function issuesToDiagnostics(doc: ParsedYaml, data: unknown, issues: readonly Issue[], scope: 'incident' | 'site', prefix: Path = []): Diagnostic[] {
  const out: Diagnostic[] = [];
  const flag: IssueContext['flag'] = (p, rule, message, hint, which = 'value') => out.push(diagnosticAt(doc, spanOf(doc, p, which), rule, message, hint));
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const c: IssueContext = { doc, data, scope, path, value: valueAt(data, path), where: pathString(path), out, flag };
    switch (issue.code) {
      case 'invalid_type':
        invalidType(c, issue);
        break;
      case 'invalid_value':
        invalidValue(c, issue);
        break;
      case 'unrecognized_keys':
        unknownKeys(c, issue);
        break;
      case 'too_small':
        tooSmall(c, issue);
        break;
      case 'too_big':
        tooBig(c, issue);
        break;
      case 'invalid_format':
        invalidFormat(c, issue);
        break;
      case 'invalid_union':
        invalidUnion(c, issue);
        break;
      default:
        flag(path, Rule.InvalidValue, `${c.where}: ${issue.message}`);
    }
  }
  return out;
}

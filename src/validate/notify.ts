/**
 * The `notify:` targets of site.yaml, beyond their shape (schema.ts): environment variable names that only postmortem's
 * own variables may take, `secret_env` for webhooks alone, services that exist. A value that is not a variable's name
 * is never repeated in a message: it may be the secret itself, written in the file by mistake.
 */
import { parseDocument } from 'yaml';
import { Rule } from '../core/rules.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { DEFAULT_NOTIFY_EVENTS, NOTIFY_ENV_PATTERN, NOTIFY_ENV_PREFIX, type NotifyTarget } from '../core/notify.js';
import { didYouMean } from '../core/suggest.js';
import { diagnosticAt, spanOf, type ParsedYaml } from '../parse/index.js';
import type { z } from 'zod';
import type { notifyTargetSchema } from './schema.js';

type RawTarget = z.infer<typeof notifyTargetSchema>;

const ENV_RE = new RegExp(NOTIFY_ENV_PATTERN);
/** What an environment variable's name looks like (safe to repeat: not a URL, not a secret). */
const NAME_LIKE = /^[A-Z_][A-Z0-9_]{0,63}$/;

/** The diagnostic of one `url_env` / `secret_env` value, or null when it is a name postmortem may read. */
function envNameProblem(parsed: ParsedYaml, path: (string | number)[], value: string): Diagnostic | null {
  if (ENV_RE.test(value)) return null;
  const where = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
  const span = spanOf(parsed, path);
  if (/[:/.]/.test(value) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    return diagnosticAt(
      parsed,
      span,
      Rule.InvalidFormat,
      `${where} must be the name of an environment variable (such as POSTMORTEM_SLACK_URL), not the value itself; this one is not a name, so it is not repeated here`,
      'a URL or secret written in site.yaml is public: revoke it, keep the new one in a CI secret exposed as POSTMORTEM_…, and name that variable here',
    );
  }
  const suggestion = `${NOTIFY_ENV_PREFIX}${value.toUpperCase().replace(/^POSTMORTEM_?/, '')}`;
  const found = NAME_LIKE.test(value) ? `; found "${value}"` : '';
  return diagnosticAt(
    parsed,
    span,
    Rule.InvalidFormat,
    `${where} must name an environment variable that starts with ${NOTIFY_ENV_PREFIX} (upper-case letters, digits and _)${found}`,
    `write ${suggestion} and expose the secret to the job under that name: site.yaml comes from pull requests, so only POSTMORTEM_ variables may be named, lest a pull request send another secret of the CI job to a URL of its choosing`,
  );
}

/** Validate the targets (already shaped by the schema) against the site's services; normalized targets. */
export function checkNotifyTargets(parsed: ParsedYaml, raw: readonly RawTarget[] | undefined, serviceIds: readonly string[]): { targets: NotifyTarget[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const known = new Set(serviceIds);
  const targets = (raw ?? []).map((t, i): NotifyTarget => {
    const env = (key: 'url_env' | 'secret_env', value: string) => {
      const d = envNameProblem(parsed, ['notify', i, key], value);
      if (d) diagnostics.push(d);
    };
    env('url_env', t.url_env);
    if (t.secret_env !== undefined) env('secret_env', t.secret_env);
    if (t.type === 'webhook' && t.secret_env === undefined) {
      diagnostics.push(
        diagnosticAt(parsed, spanOf(parsed, ['notify', i]), Rule.MissingKey, `missing required key "secret_env" in notify[${i}]; a webhook is signed with the secret of the environment variable it names`, 'add secret_env: POSTMORTEM_HOOK_SECRET (a random secret, e.g. whsec_ and 32 random bytes in base64, shared with the receiver)'),
      );
    }
    if (t.type !== 'webhook' && t.secret_env !== undefined) {
      diagnostics.push(
        diagnosticAt(parsed, spanOf(parsed, ['notify', i, 'secret_env'], 'key'), Rule.UnknownKey, `secret_env applies only to type webhook; a ${t.type} URL is its own secret`, 'remove secret_env'),
      );
    }
    (t.services ?? []).forEach((id, j) => {
      if (!known.has(id)) {
        diagnostics.push(diagnosticAt(parsed, spanOf(parsed, ['notify', i, 'services', j]), Rule.UnknownService, `notify[${i}].services: unknown service "${id}"; expected one of ${serviceIds.join(', ')}`, didYouMean(id, serviceIds)));
      }
    });
    const target: NotifyTarget = { type: t.type, urlEnv: t.url_env, events: t.events ? [...new Set(t.events)] : [...DEFAULT_NOTIFY_EVENTS] };
    if (t.secret_env !== undefined) target.secretEnv = t.secret_env;
    if (t.services !== undefined) target.services = [...new Set(t.services)];
    return target;
  });
  return { targets, diagnostics };
}

/**
 * site.yaml's text without its `notify:` key, for the keys of the build cache: adding, changing or removing a target
 * changes nothing that is built. Always the document written out again (with its comments), so that a file with
 * targets and the same file without them give the same text; text that is not valid YAML is returned as it is.
 */
export function configTextWithoutNotify(text: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || doc.warnings.length > 0) return text;
  if (doc.has('notify')) doc.delete('notify');
  return doc.toString();
}

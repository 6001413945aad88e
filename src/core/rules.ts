/**
 * The rule catalogue: every diagnostic the tool can report, defined once. Code refers to a rule by its constant
 * (`Rule.UnknownKey`), never by its id string; a diagnostic's severity comes from its rule. The README's table
 * of rules and `postmortem rules` are generated from this list (a test keeps the README in step).
 */

export type DiagnosticSeverity = 'error' | 'warning';

/** The part of the project a rule is about, to group the catalogue for readers. */
export type RuleTopic = 'yaml' | 'shape' | 'time' | 'services' | 'files' | 'content' | 'templates';

export interface RuleDef<Id extends string = string> {
  /** Stable id, shown in brackets after every message and in JSON output. */
  readonly id: Id;
  readonly severity: DiagnosticSeverity;
  readonly topic: RuleTopic;
  /** One line: what the rule finds. */
  readonly summary: string;
  /** The usual fix (a diagnostic may carry a more specific hint). */
  readonly help: string;
}

function rule<const Id extends string>(id: Id, severity: DiagnosticSeverity, topic: RuleTopic, summary: string, help: string): RuleDef<Id> {
  return { id, severity, topic, summary, help };
}

export const Rule = {
  YamlSyntax: rule('yaml-syntax', 'error', 'yaml', 'invalid YAML in the frontmatter or in site.yaml', 'fix the syntax at the position shown; quote a value that holds ": " or starts with a special character'),
  DuplicateKey: rule('duplicate-key', 'error', 'yaml', 'a key written twice in the same mapping', 'keep one of the two keys'),
  YamlAliasLimit: rule('yaml-alias-limit', 'error', 'yaml', 'YAML aliases that expand past 1,000 nodes', 'write the values out instead of repeating aliases'),
  YamlTooDeep: rule('yaml-too-deep', 'error', 'yaml', 'YAML lists and mappings nested more than 100 levels', 'flatten the nested collections'),
  FrontmatterMissing: rule('frontmatter-missing', 'error', 'yaml', 'no `---` frontmatter block at the top of the file, or one never closed', 'start the file with `---`, the keys, and a closing `---`'),
  MarkdownTooDeep: rule('markdown-too-deep', 'error', 'content', 'Markdown block quotes and lists nested more than 100 levels', 'nest quotes and lists at most a few levels'),
  TableTooLarge: rule('table-too-large', 'error', 'content', 'Markdown tables of more than 100,000 cells in one incident (every row is padded to the columns of its header)', 'link to the data instead of pasting it as a table'),
  OutputTooLarge: rule('output-too-large', 'error', 'content', 'an incident whose pages would hold more than 8 MiB, or 256 MiB with its feeds and API files (estimated: repeated reference links, YAML aliases); or 100 incidents that one feed or API page could show together past 64 MiB', 'write long links inline or shorten them; move logs and data out of the postmortem'),
  MissingKey: rule('missing-key', 'error', 'shape', 'a required key is absent', 'add the key'),
  UnknownKey: rule('unknown-key', 'error', 'shape', 'a key the format does not define (with a "did you mean")', 'fix the spelling or remove the key'),
  InvalidType: rule('invalid-type', 'error', 'shape', 'a value of the wrong kind (a list where a string belongs, …)', 'write the kind of value the message expects'),
  InvalidEnum: rule('invalid-enum', 'error', 'shape', 'a value outside its list of allowed values', 'use one of the values listed'),
  InvalidValue: rule('invalid-value', 'error', 'shape', 'a value out of range: empty, too long, too many or too few items, not a slug', 'change the value as the message says'),
  InvalidFormat: rule('invalid-format', 'error', 'shape', 'a string that does not have its required form', 'write the value in the form the message shows'),
  InvalidUrl: rule('invalid-url', 'error', 'shape', 'a URL that is not an absolute http(s) address', 'write a full address such as https://example.com/'),
  InvalidTimestamp: rule('invalid-timestamp', 'error', 'time', 'a timestamp that cannot be read', 'write e.g. 2020-05-29T16:21:00Z, or a local time such as 2020-05-29 16:21'),
  InvalidDate: rule('invalid-date', 'error', 'time', 'a date that cannot be read or is not a day of the calendar', 'write a date such as 2020-06-30'),
  TimestampGap: rule('timestamp-gap', 'error', 'time', 'a local time skipped when daylight-saving time begins', 'write the time with an explicit offset or in UTC'),
  TimestampAmbiguous: rule('timestamp-ambiguous', 'error', 'time', 'a local time that happens twice when daylight-saving time ends', 'write the time with an explicit offset or in UTC'),
  UnknownTimezone: rule('unknown-timezone', 'error', 'time', 'a time zone that is not an IANA name', 'use a name such as Europe/Paris'),
  ResolvedBeforeStarted: rule('resolved-before-started', 'error', 'time', '`resolved` earlier than `started`', 'correct one of the two times'),
  MitigatedBeforeStarted: rule('mitigated-before-started', 'error', 'time', '`mitigated` earlier than `started`', 'correct one of the two times'),
  DetectedAfterResolved: rule('detected-after-resolved', 'error', 'time', '`detected` later than `resolved`', 'correct one of the two times'),
  MitigatedAfterResolved: rule('mitigated-after-resolved', 'error', 'time', '`mitigated` later than `resolved`', 'correct one of the two times'),
  FutureTime: rule('future-time', 'error', 'time', 'a non-maintenance `started` or `resolved` later than now', 'only maintenance may be scheduled; leave `resolved` out while an incident goes on'),
  ClosedWhileOpen: rule('closed-while-open', 'error', 'content', 'an action with a `closed` date whose status is open or in progress', 'set the status to done or wont_do, or remove `closed`'),
  ClosedBeforeStarted: rule('closed-before-started', 'error', 'time', 'an action `closed` before the day its incident started', 'correct the date; an action cannot be closed before its incident began'),
  ClosedInFuture: rule('closed-in-future', 'error', 'time', 'an action `closed` on a day later than today', 'write the day the action was actually closed'),
  UnknownService: rule('unknown-service', 'error', 'services', 'a service id that is not in site.yaml', 'use an id from site.yaml, or add the service there'),
  TooManyServices: rule('too-many-services', 'error', 'services', 'site.yaml with more than 1,000 services, or more than 100,000 days of uptime bars (services × uptime_days)', 'group small services into one, or shorten uptime_days'),
  DuplicateService: rule('duplicate-service', 'error', 'services', 'a service listed twice in an incident, or an id used twice in site.yaml', 'keep each service once'),
  ImpactUnlistedService: rule('impact-unlisted-service', 'error', 'services', 'a timeline `impact` for a service the incident does not list in `services`', 'add the service to `services` (with `impact: operational` if it was hit later), or fix the id'),
  ImpactOutsideIncident: rule('impact-outside-incident', 'error', 'time', 'a timeline `impact` change before `started`, at or after `resolved`, or (while ongoing) later than now', 'move the entry inside the incident, or change `started` / `resolved`'),
  ImpactConflict: rule('impact-conflict', 'error', 'time', 'two different impacts for one service at the same instant', 'keep one of the two changes, or give them different times'),
  DuplicateId: rule('duplicate-id', 'error', 'files', 'two incident files with the same name (ids are unique across the tree)', 'rename one of the files'),
  InvalidFilename: rule('invalid-filename', 'error', 'files', 'a file name that is not a valid incident id', 'rename the file to lowercase letters, digits and single hyphens ending in .md'),
  FileUnreadable: rule('file-unreadable', 'error', 'files', 'a file or folder that cannot be read', 'fix its permissions, or remove it'),
  FileEncoding: rule('file-encoding', 'error', 'files', 'a file that is not valid UTF-8', 'save the file as UTF-8'),
  FileTooLarge: rule('file-too-large', 'error', 'files', 'an incident file over 1 MiB (never read)', 'move attachments and logs out of the postmortem and link to them'),
  FileTooSlow: rule('file-too-slow', 'error', 'files', 'a file still not processed after `--file-timeout` seconds (default 10); the others are still processed', 'split very long runs of block quotes, headings or list items, or raise --file-timeout'),
  SymlinkOutsideRoot: rule('symlink-outside-root', 'error', 'files', 'a symbolic link that points out of the project or into a hidden folder such as .git (refused without reading it)', 'copy the file into the project instead of linking to it'),
  SymlinkLoop: rule('symlink-loop', 'warning', 'files', 'a folder link back into the tree (skipped)', 'remove the symbolic link'),
  InvalidStaticPath: rule('invalid-static-path', 'error', 'files', 'a file of static/ whose path cannot be published (a backslash or a control character in a name, over 1,024 characters)', 'rename the file'),
  StaticConflict: rule('static-conflict', 'error', 'files', 'a file of static/ where the site has a folder of the same path, or a folder where the site has a file', 'rename or move the static file'),
  UnknownLanguage: rule('unknown-language', 'error', 'templates', 'a `language` in site.yaml with no strings, built-in or in the project\'s locales/', 'use en, de, es, fr or ja, or add locales/<language>.yaml with the strings'),
  MissingStrings: rule('missing-strings', 'warning', 'templates', 'strings the site\'s language has no text for (English is shown instead)', 'add them to locales/<language>.yaml'),
  UnknownString: rule('unknown-string', 'warning', 'templates', 'a key in a locales/ file that no built-in template shows (kept for templates of your own)', 'fix the spelling, or use the key from a template of your own'),
  ImageMissing: rule('image-missing', 'error', 'content', 'an image of a postmortem whose file does not exist', 'add the file, or fix the path (relative to the incident file, or /… for static/)'),
  ImageOutside: rule('image-outside', 'error', 'content', 'an image path that leaves the project or is outside incidents/ and static/ (never read)', 'put the picture next to the incident file or in static/'),
  ImageAltMissing: rule('image-alt-missing', 'warning', 'content', 'an image without alternative text', 'describe the picture between the brackets: ![what it shows](file.svg)'),
  TemplateError: rule('template-error', 'error', 'templates', 'a template that cannot be compiled, at the line of its tag where it can be found (`dev` keeps the previous templates meanwhile)', 'fix the template'),
  TimelineOrder: rule('timeline-order', 'warning', 'content', 'timeline entries out of time order', 'move the entry to its place in the list'),
  DetectedBeforeStarted: rule('detected-before-started', 'warning', 'time', '`detected` earlier than `started`: the team knew before customers were affected', 'if impact began earlier, move `started` back'),
  MissingRootCause: rule('missing-root-cause', 'warning', 'content', 'a resolved incident without `root_cause` (not for maintenance; drafts only with --drafts)', 'add `root_cause:` with a paragraph of Markdown'),
  OverdueAction: rule('overdue-action', 'warning', 'content', 'an open or in-progress action past its due date', 'mark it done or wont_do, or move the due date'),
  LongOngoing: rule('long-ongoing', 'warning', 'time', 'an incident ongoing for more than 30 days', 'add `resolved:` with the time impact ended'),
  MisplacedInternal: rule('misplaced-internal', 'error', 'content', 'a `:::internal` section where none is read (a title, the summary, a timeline entry\'s text, an action, a link, a factor): it would be published as written', 'mark the entry, action, link or factor with `internal: true`; `:::internal` works in the body and in `root_cause`'),
  MalformedInternal: rule('malformed-internal', 'error', 'content', 'a line that looks like the start of an internal section but is not one (two colons, a space before the name, capitals, a typo): what follows would be published', 'write `:::internal` on a line of its own: three colons and the name right after them, in lowercase'),
  InternalUpdate: rule('internal-update', 'error', 'content', 'a timeline entry marked `internal: true` that carries a `status` or an `impact`, both of which are public facts', 'put the status or the impact on a public entry (it may have the same time), and keep the internal details in the internal one'),
  InternalLink: rule('internal-link', 'error', 'content', 'public text (a Markdown link, a `links` entry, an action\'s link) that points at an internal incident, whose page the public site does not have', 'mark the link internal (`internal: true`, or move it into a `:::internal` section), or make the incident it points at public'),
  NearMissImpact: rule('near-miss-impact', 'error', 'services', 'a near miss (`near_miss: true`) that changes a service\'s status: an impact other than operational, in `services` or a timeline entry, or severity maintenance; or a near miss with `visibility: public`', 'a near miss had no customer impact: leave the impact out (or write operational), and keep it internal'),
  UnclosedInternal: rule('unclosed-internal', 'warning', 'content', 'a `:::internal` section that is never closed: everything after it, to the end of the text (or of its quote or list item), is internal', 'close the section with a line of `:::` where the internal part ends'),
  TemplatePlaceholder: rule('template-placeholder', 'warning', 'content', "text left from the template: one of its placeholder sentences, or a section holding nothing but the template's hint (drafts only with --drafts)", 'write the text, or delete the section'),
} as const;

export type RuleName = keyof typeof Rule;
export type AnyRule = (typeof Rule)[RuleName];
export type RuleId = AnyRule['id'];

/** Every rule, errors first, then by topic and id (the order of the README's table). */
export function ruleCatalogue(): AnyRule[] {
  const topics: RuleTopic[] = ['yaml', 'shape', 'time', 'services', 'files', 'content', 'templates'];
  return Object.values(Rule).sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      topics.indexOf(a.topic) - topics.indexOf(b.topic) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

const byId = new Map<string, AnyRule>(Object.values(Rule).map((r) => [r.id, r]));

/** The rule of an id, if there is one (for readers of JSON output, and tests). */
export function ruleById(id: string): AnyRule | undefined {
  return byId.get(id);
}

/** The catalogue as a Markdown table (the README's, between its `rules` markers). */
export function rulesMarkdown(): string {
  const rows = ruleCatalogue().map((r) => `| \`${r.id}\` | ${r.severity} | ${r.summary} |`);
  return ['| rule | severity | what it finds |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The catalogue as plain text, for `postmortem rules`. */
export function rulesText(): string {
  const width = Math.max(...Object.values(Rule).map((r) => r.id.length));
  return ruleCatalogue()
    .map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.summary}\n${' '.repeat(width + 11)}fix: ${r.help}`)
    .join('\n');
}

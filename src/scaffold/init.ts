/**
 * The files `postmortem init` writes: a starting `site.yaml`, an example postmortem, the JSON Schemas for editors,
 * the GitHub Actions workflow, the `.gitignore` entries. Pure: values in, texts out. Everything written passes
 * `check --strict` (and `--drafts`) and `build` at once, and still will in a year: the example is resolved, has
 * no due date, and is a draft, so a fictional incident never reaches a real status page, feed or API.
 */
import { isoUtc } from '../core/format.js';
import { slugify } from '../core/text.js';
import { incidentJsonSchema, siteJsonSchema } from '../validate/index.js';
import { yamlScalar } from './scaffold.js';

export interface InitValues {
  title: string;
  /** Absent: written as a commented hint. */
  baseUrl?: string;
  timezone: string;
}

/** What a new project ignores: installed packages, the built site, the build cache. */
// dist-internal/: the internal site's default folder (issue 15), never to be committed by accident.
export const GITIGNORE_ENTRIES = ['node_modules/', 'dist/', 'dist-internal/', '.cache/'] as const;

export const WORKFLOW_FILE = '.github/workflows/status.yml';
export const SCHEMA_FILES = { incident: 'schema/incident.schema.json', site: 'schema/site.schema.json' } as const;

/** `acme-status` → `Acme Status`; `ops` → `Ops Status`. */
export function defaultTitle(folderName: string): string {
  const words = folderName.split(/[\s_.-]+/).filter((w) => /^[\p{L}\p{N}]+$/u.test(w));
  if (words.length === 0) return 'Status';
  const title = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
  return /\bstatus$/i.test(title) ? title : `${title} Status`;
}

/**
 * The GitHub Pages address of a repository from its `origin` URL (https, ssh or git@ form), or undefined for any
 * other host: `git@github.com:acme/status.git` → `https://acme.github.io/status/`; `acme/acme.github.io` → its root.
 */
export function githubPagesUrl(remote: string): string | undefined {
  const m = /^(?:https?:\/\/(?:[^@/]+@)?github\.com\/|git@github\.com:|ssh:\/\/git@github\.com\/)([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(remote.trim());
  if (!m) return undefined;
  const owner = m[1]!.toLowerCase();
  const repo = m[2]!;
  return repo.toLowerCase() === `${owner}.github.io` ? `https://${owner}.github.io/` : `https://${owner}.github.io/${repo}/`;
}

export function siteYaml(v: InitValues): string {
  const baseUrl = v.baseUrl
    ? `base_url: ${yamlScalar(v.baseUrl)}  # feeds and the sitemap link here; the site works under its path`
    : '# base_url: https://acme.github.io/status/  # the public address: set it for absolute links in feeds and the sitemap';
  return `# yaml-language-server: $schema=${SCHEMA_FILES.site}
# The status site: its title, its public address, and the services readers see.
title: ${yamlScalar(v.title)}
${baseUrl}
timezone: ${yamlScalar(v.timezone)}  # local times in incidents (2024-05-29 16:21) are read in it
uptime_days: 90  # the window of the uptime bars and percentages
services:  # in display order; incidents name them by id. Optional: group, description, since
  - id: website
    name: Website
  - id: api
    name: API
`;
}

const DAY = 86_400_000;

/** The example postmortem: the day before "now", so it is never in the future and tops the history in `dev`. */
export function exampleIncident(now: number): { file: string; text: string } {
  const day = Math.floor(now / DAY) * DAY - DAY;
  const at = (hh: number, mm: number) => isoUtc(day + (hh * 60 + mm) * 60_000);
  const title = 'Example: delayed sign-up emails';
  const file = `incidents/${isoUtc(day).slice(0, 10)}-${slugify(title)}.md`;
  const text = `---
# yaml-language-server: $schema=../${SCHEMA_FILES.incident}
# An example postmortem, to show the format. It is a draft: \`check\` validates it, \`postmortem dev\`
# shows it, and it is never published. Delete it once your first real postmortem is written
# (\`npx postmortem new "Title"\` starts one from the template).
title: ${yamlScalar(title)}
summary: For 47 minutes, sign-up confirmation emails arrived up to 40 minutes late. No email was lost.
severity: minor
started: ${at(14, 2)}
detected: ${at(14, 9)}
mitigated: ${at(14, 31)}
resolved: ${at(14, 49)}
services:
  - id: api
    impact: degraded_performance
timeline:
  - at: ${at(14, 9)}
    status: investigating
    text: Sign-up confirmation emails are delayed. We are looking into it.
  - at: ${at(14, 24)}
    status: identified
    text: A configuration change halved the number of email workers. We are restoring them.
  - at: ${at(14, 31)}
    text: Workers restored; the queue of delayed emails starts draining.
  - at: ${at(14, 49)}
    status: resolved
    text: Every delayed email has been sent.
root_cause: |
  A configuration change meant for the staging environment also lowered the number
  of email workers in production, which could no longer keep up with sign-ups.
contributing_factors:
  - Production and staging read the same configuration file.
  - The email queue had no alert on its age.
actions:
  - title: Give production and staging separate configuration files
    status: open
    owner: platform-team
    priority: high
    kind: prevent
  - title: Alert when the oldest queued email is older than 5 minutes
    status: done
    kind: detect
tags: [email, configuration]
authors: [Platform team]
draft: true
---

## Impact

New customers received their sign-up confirmation email up to 40 minutes late
between 14:02 and 14:49 UTC. Sign-ups themselves worked; no email was lost.

## What happened

A change to the shared configuration file lowered the number of email workers
from 8 to 4. The queue grew from 14:02; the support team reported the delays at
14:09. The change was found at 14:24 and reverted at 14:31, and the queue was
empty at 14:49.

## Root cause

Staging and production read the same configuration file, with the environment
chosen by a key inside it. The change edited the production section by mistake,
and review did not catch it because the diff did not show the section name.

## Lessons learned

### What went well

- Support noticed within 7 minutes and knew whom to page.

### What went wrong

- Nothing alerted on the queue's age: customers found the problem first.

### Where we got lucky

- The change went out at a quiet hour; at peak the delay would have been hours.

## Action items

The configuration is split so that a staging change cannot reach production, and
the queue alert now pages before customers notice.
`;
  return { file, text };
}

/** A JSON Schema file, as \`postmortem schema\` prints it. */
export function schemaFiles(): Record<string, string> {
  return {
    [SCHEMA_FILES.incident]: `${JSON.stringify(incidentJsonSchema(), null, 2)}\n`,
    [SCHEMA_FILES.site]: `${JSON.stringify(siteJsonSchema(), null, 2)}\n`,
  };
}

/**
 * The workflow: `check` on pull requests (judged by what they change, annotating their lines) and `build` +
 * GitHub Pages on the default branch, every 30 minutes too so that time-based status stays fresh, then
 * `notify` (what the publish changed, to the targets of site.yaml; an outbox artifact of what failed). It runs the
 * Action shipped in the project's own dev dependency (`./node_modules/<package>`): the version the lockfile
 * pins, with no repository address to trust or keep in step.
 */
export function workflowYaml(opts: { branch: string; packageName: string }): string {
  const action = `./node_modules/${opts.packageName}`;
  return `# Written by \`postmortem init\`. Pull requests: check the incidents they change (annotations on
# their lines). ${opts.branch}: build the status site and publish it with GitHub Pages (Settings → Pages →
# Source: GitHub Actions); every 30 minutes too, so that time-based status stays fresh.
name: status
on:
  pull_request:
  push:
    branches: [${opts.branch}]
  schedule:
    - cron: "*/30 * * * *"
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: status-\${{ github.ref }}
  cancel-in-progress: \${{ github.event_name == 'pull_request' }}   # a publish finishes (and notifies) before the next

jobs:
  check:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20, cache: npm }
      - run: npm ci
      # Warnings in files the pull request did not change never fail it (see check --changed-since).
      - uses: ${action}
        with: { command: check, args: --strict }

  publish:
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pages: write
      id-token: write
    environment: { name: github-pages, url: "\${{ steps.deploy.outputs.page_url }}" }
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20, cache: npm }
      - run: npm ci
      - id: build
        uses: ${action}
        with: { command: build }
      - uses: actions/upload-pages-artifact@v3
        with: { path: "\${{ steps.build.outputs.site }}" }
      - run: npx postmortem notify --save-previous .notify-previous   # the live site, before it is replaced
        continue-on-error: true                                       # never blocks the deploy; notify then fails
      - id: deploy
        uses: actions/deploy-pages@v4
      - run: npx postmortem notify --previous .notify-previous --outbox notify-outbox.json
        env:                                                          # only the targets listed in site.yaml
          POSTMORTEM_SLACK_URL: \${{ secrets.POSTMORTEM_SLACK_URL }}
          POSTMORTEM_HOOK_URL: \${{ secrets.POSTMORTEM_HOOK_URL }}
          POSTMORTEM_HOOK_SECRET: \${{ secrets.POSTMORTEM_HOOK_SECRET }}
      - if: failure() || cancelled()
        uses: actions/upload-artifact@v4
        with: { name: notify-outbox, path: notify-outbox.json, if-no-files-found: ignore }
`;
}

/** `.gitignore` text with the entries it lacks appended (null: it has them all). */
export function gitignoreWith(existing: string | null): { text: string; added: string[] } | null {
  const have = new Set((existing ?? '').split(/\r?\n/).map((l) => l.trim().replace(/^\//, '')));
  const added = GITIGNORE_ENTRIES.filter((e) => !have.has(e) && !have.has(e.slice(0, -1)));
  if (added.length === 0) return null;
  if (existing === null || existing === '') return { text: `${added.join('\n')}\n`, added };
  const sep = existing.endsWith('\n') ? '' : '\n';
  return { text: `${existing}${sep}# postmortem: installed packages, the built sites, the build cache\n${added.join('\n')}\n`, added };
}

/**
 * package.json with the package added to devDependencies (null: it is already a dependency). Keeps the file's
 * indentation and final newline; dependencies stay in alphabetical order, as npm writes them.
 */
export function packageJsonWith(text: string, name: string, range: string): string | null {
  const pkg = JSON.parse(text) as Record<string, unknown>;
  if (pkg === null || typeof pkg !== 'object' || Array.isArray(pkg)) throw new Error('it is not a JSON object');
  const has = (key: string) => {
    const deps = pkg[key];
    return deps !== null && typeof deps === 'object' && Object.hasOwn(deps, name);
  };
  if (has('dependencies') || has('devDependencies')) return null;
  const dev = (pkg.devDependencies && typeof pkg.devDependencies === 'object' ? pkg.devDependencies : {}) as Record<string, string>;
  pkg.devDependencies = Object.fromEntries(Object.entries({ ...dev, [name]: range }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  return `${JSON.stringify(pkg, null, indent)}${text.endsWith('\n') ? '\n' : ''}`;
}

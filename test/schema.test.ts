/**
 * `postmortem schema`: the committed schema files are exactly what the command prints (so they can never
 * go stale), and the schema describes the whole format of incident-format.md with the right enums.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { incidentJsonSchema, KNOWN_KEYS, siteJsonSchema } from '../src/validate/index.js';
import { ACTION_KINDS, ACTION_STATUSES, IMPACTS, INCIDENT_STATUSES, MAINTENANCE_STATUSES, PRIORITIES, SEVERITIES } from '../src/core/index.js';
import { REPO_ROOT, runCli } from './helpers/cli.js';

interface JsonSchema {
  $schema?: string;
  type?: string;
  title?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: string[];
  pattern?: string;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  description?: string;
}

const committed = async (name: string) => readFile(path.join(REPO_ROOT, 'schema', name), 'utf8');

describe('postmortem schema', () => {
  it('prints exactly the committed schema/incident.schema.json', async () => {
    const [r, file] = await Promise.all([runCli(['schema']), committed('incident.schema.json')]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, file, 'schema/incident.schema.json is stale: regenerate it with `node bin/postmortem.js schema > schema/incident.schema.json`');
  });

  it('--site prints exactly the committed schema/site.schema.json', async () => {
    const [r, file] = await Promise.all([runCli(['schema', '--site']), committed('site.schema.json')]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, file, 'schema/site.schema.json is stale: regenerate it with `node bin/postmortem.js schema --site > schema/site.schema.json`');
  });

  it('is generated from the validator\'s definitions (the same object in-process)', async () => {
    assert.deepEqual(JSON.parse(await committed('incident.schema.json')), incidentJsonSchema());
    assert.deepEqual(JSON.parse(await committed('site.schema.json')), siteJsonSchema());
  });
});

describe('the incident schema describes the format', () => {
  const schema = incidentJsonSchema() as JsonSchema;
  const props = schema.properties!;

  it('is a draft-07 object schema that refuses unknown keys', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(schema.type, 'object');
    assert.equal(schema.additionalProperties, false);
  });

  it('lists every top-level key of the format, and only those, with the required ones', () => {
    assert.deepEqual(Object.keys(props), [
      'title',
      'summary',
      'severity',
      'started',
      'detected',
      'detection',
      'mitigated',
      'resolved',
      'services',
      'timeline',
      'root_cause',
      'contributing_factors',
      'actions',
      'links',
      'tags',
      'authors',
      'timezone',
      'language',
      'draft',
      'visibility',
      'near_miss',
      'responders',
    ]);
    assert.deepEqual(schema.required, ['title', 'summary', 'severity', 'started', 'services']);
    assert.deepEqual(KNOWN_KEYS.incident, Object.keys(props), '"did you mean" knows the same keys');
  });

  it('types: strings, a boolean, lists; title 1–200 characters', () => {
    for (const k of ['title', 'summary', 'started', 'detected', 'mitigated', 'resolved', 'root_cause', 'timezone']) assert.equal(props[k]!.type, 'string', k);
    assert.equal(props.draft!.type, 'boolean');
    for (const k of ['services', 'timeline', 'contributing_factors', 'actions', 'links', 'tags', 'authors']) assert.equal(props[k]!.type, 'array', k);
    assert.equal(props.title!.minLength, 1);
    assert.equal(props.title!.maxLength, 200);
    assert.equal(props.services!.minItems, 1);
  });

  it('severity enum', () => {
    assert.deepEqual(props.severity!.enum, ['critical', 'major', 'minor', 'notice', 'maintenance']);
    assert.deepEqual(props.severity!.enum, [...SEVERITIES]);
  });

  it('timestamps: the pattern accepts the documented forms and refuses a date alone', () => {
    for (const k of ['started', 'detected', 'mitigated', 'resolved']) {
      const re = new RegExp(props[k]!.pattern!);
      for (const v of ['2020-05-29T16:21:00Z', '2020-05-29T16:21:00-04:00', '2020-05-29 16:21', '2020-05-29T16:21']) assert.ok(re.test(v), `${k}: ${v}`);
      assert.ok(!re.test('2020-05-29'), k);
    }
  });

  it('services: an id (slug) or {id, impact} with the impact enum', () => {
    const [id, object] = props.services!.items!.anyOf!;
    assert.equal(id!.type, 'string');
    assert.equal(id!.pattern, '^[a-z0-9]+(-[a-z0-9]+)*$');
    assert.equal(object!.type, 'object');
    assert.equal(object!.additionalProperties, false);
    assert.deepEqual(Object.keys(object!.properties!), ['id', 'impact']);
    assert.deepEqual(object!.required, ['id']);
    // `operational`: listed, not impacted (until an impact phase changes it).
    assert.deepEqual(object!.properties!.impact!.enum, ['major_outage', 'partial_outage', 'degraded_performance', 'under_maintenance', 'operational']);
    assert.deepEqual(object!.properties!.impact!.enum, [...IMPACTS, 'operational']);
  });

  it('timeline: {at, text, status?, impact?} with incident and maintenance statuses', () => {
    const entry = props.timeline!.items!;
    assert.deepEqual(Object.keys(entry.properties!), ['at', 'text', 'status', 'impact', 'internal']);
    assert.equal(entry.properties!.internal!.type, 'boolean');
    assert.equal(entry.properties!.impact!.type, 'object');
    assert.deepEqual((entry.properties!.impact!.additionalProperties as JsonSchema).enum, [...IMPACTS, 'operational']);
    assert.deepEqual(entry.required, ['at', 'text']);
    assert.equal(entry.additionalProperties, false);
    assert.deepEqual(entry.properties!.status!.enum, ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem', 'scheduled', 'in_progress', 'verifying', 'completed']);
    assert.deepEqual(entry.properties!.status!.enum, [...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES]);
  });

  it('links: title and url required; kind an enum', () => {
    const link = props.links!.items!;
    assert.deepEqual(Object.keys(link.properties!), ['title', 'url', 'kind', 'internal']);
    assert.deepEqual(link.required, ['title', 'url']);
    assert.equal(link.additionalProperties, false);
    assert.deepEqual(link.properties!.kind!.enum, ['postmortem', 'status', 'dashboard', 'graph', 'ticket', 'chat', 'related', 'other']);
  });

  it('actions: title and status required; status, priority, kind enums; due a date; link a URL', () => {
    const action = props.actions!.items!;
    assert.deepEqual(Object.keys(action.properties!), ['title', 'status', 'owner', 'due', 'priority', 'kind', 'link', 'closed', 'internal']);
    assert.deepEqual(action.required, ['title', 'status']);
    assert.equal(action.additionalProperties, false);
    assert.deepEqual(action.properties!.status!.enum, ['open', 'in_progress', 'done', 'wont_do']);
    assert.deepEqual(action.properties!.status!.enum, [...ACTION_STATUSES]);
    assert.deepEqual(action.properties!.priority!.enum, ['high', 'medium', 'low']);
    assert.deepEqual(action.properties!.priority!.enum, [...PRIORITIES]);
    assert.deepEqual(action.properties!.kind!.enum, ['prevent', 'mitigate', 'detect', 'process']);
    assert.deepEqual(action.properties!.kind!.enum, [...ACTION_KINDS]);
    const due = new RegExp(action.properties!.due!.pattern!);
    assert.ok(due.test('2020-06-30'));
    assert.ok(!due.test('2020-06-30T00:00:00Z'));
    const link = new RegExp(action.properties!.link!.pattern!);
    assert.ok(link.test('https://tracker.example.com/1'));
    assert.ok(!link.test('ftp://tracker.example.com/1'));
  });

  it('tags are slugs', () => {
    assert.equal(props.tags!.items!.pattern, '^[a-z0-9]+(-[a-z0-9]+)*$');
  });

  it('what is internal (issue 15): visibility, near_miss, responders, and factors as a sentence or {text, internal}', () => {
    assert.deepEqual(props.visibility!.enum, ['public', 'internal']);
    assert.equal(props.near_miss!.type, 'boolean');
    const [name, responder] = props.responders!.items!.anyOf!;
    assert.equal(name!.type, 'string');
    assert.deepEqual(Object.keys(responder!.properties!), ['name', 'role']);
    assert.deepEqual(responder!.required, ['name']);
    assert.equal(responder!.additionalProperties, false);
    const [sentence, factor] = props.contributing_factors!.items!.anyOf!;
    assert.equal(sentence!.type, 'string');
    assert.deepEqual(Object.keys(factor!.properties!), ['text', 'internal']);
    assert.deepEqual(factor!.required, ['text']);
    assert.deepEqual(KNOWN_KEYS['incident.contributing_factors.*'], Object.keys(factor!.properties!));
    assert.deepEqual(KNOWN_KEYS['incident.responders.*'], Object.keys(responder!.properties!));
  });
});

describe('the site schema describes site.yaml', () => {
  const schema = siteJsonSchema() as JsonSchema;
  const props = schema.properties!;

  it('lists every key, with title and services required, and refuses unknown keys', () => {
    assert.deepEqual(Object.keys(props), ['title', 'base_url', 'description', 'timezone', 'uptime_days', 'language', 'content_language', 'display_timezone', 'clock', 'services', 'notify', 'internal']);
    assert.deepEqual(Object.keys(props.internal!.properties!), ['base_url', 'output', 'action_owners']);
    assert.deepEqual(props.internal!.properties!.action_owners!.enum, ['public', 'internal']);
    assert.equal(props.internal!.additionalProperties, false);
    assert.deepEqual(props.clock!.enum, ['24h', '12h']);
    assert.deepEqual(schema.required, ['title', 'services']);
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(KNOWN_KEYS.site, Object.keys(props));
  });

  it('uptime_days is an integer 1–365; services a non-empty list of {id, name, group?, description?, since?}', () => {
    assert.equal(props.uptime_days!.type, 'integer');
    assert.equal(props.uptime_days!.minimum, 1);
    assert.equal(props.uptime_days!.maximum, 365);
    assert.equal(props.services!.minItems, 1);
    const service = props.services!.items!;
    assert.deepEqual(Object.keys(service.properties!), ['id', 'name', 'group', 'description', 'since']);
    assert.deepEqual(service.required, ['id', 'name']);
    assert.equal(service.additionalProperties, false);
    assert.equal(service.properties!.id!.pattern, '^[a-z0-9]+(-[a-z0-9]+)*$');
  });
});

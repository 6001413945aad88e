/**
 * Durations and uptime across daylight-saving changes: incidents written in local time (the file's zone)
 * become UTC instants, so a night with a clock change counts its real length, never the wall-clock one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/validate/index.js';
import { processSource } from '../src/process/index.js';
import { buildSiteModel } from '../src/site/index.js';
import type { Incident } from '../src/core/index.js';

const SITE = `title: DST
timezone: America/New_York
uptime_days: 30
services:
  - { id: api, name: API }
`;

function incident(id: string, started: string, resolved: string, severity = 'critical'): Incident {
  const { config } = loadConfig(SITE);
  assert.ok(config);
  const text = `---\ntitle: ${id}\nsummary: s\nseverity: ${severity}\nstarted: ${started}\nresolved: ${resolved}\nservices: [api]\nroot_cause: r\n---\n`;
  const r = processSource(`incidents/${id}.md`, text, { config, now: Date.UTC(2021, 10, 20), drafts: false, html: false });
  assert.deepEqual(r.diagnostics, []);
  assert.ok(r.incident);
  return r.incident;
}

function model(incidents: Incident[], now: number) {
  const { config } = loadConfig(SITE);
  return buildSiteModel(config!, incidents, { now, drafts: false, html: () => ({ bodyHtml: '', rootCauseHtml: '', timelineHtml: [] }) });
}

test('spring forward: 01:30 to 03:30 local is one hour of outage, not two', () => {
  const i = incident('2021-03-14-spring', '2021-03-14 01:30', '2021-03-14 03:30');
  assert.equal(i.started, Date.UTC(2021, 2, 14, 6, 30));
  assert.equal(i.resolved, Date.UTC(2021, 2, 14, 7, 30));
  const m = model([i], Date.UTC(2021, 2, 20));
  assert.equal(m.byId.get(i.id)!.durationMs, 60 * 60_000);
  const day = m.services[0]!.days.find((d) => d.date === '2021-03-14')!;
  assert.equal(day.downtimeMinutes, 60);
  assert.deepEqual(day.incidents, [i.id]);
});

test('fall back: 00:30 to 02:30 local is three hours of outage, and a partial outage counts 30 %', () => {
  const i = incident('2021-11-07-fall', '2021-11-07 00:30', '2021-11-07 02:30', 'major');
  assert.equal(i.resolved! - i.started, 3 * 3_600_000);
  const m = model([i], Date.UTC(2021, 10, 20));
  const day = m.services[0]!.days.find((d) => d.date === '2021-11-07')!;
  assert.equal(day.downtimeMinutes, 54, '180 min × 30 %');
  assert.equal(day.worst, 'partial_outage');
});

test('an outage across UTC midnight during a clock change is split between the two UTC days', () => {
  // 2021-11-06 19:00 EDT = 23:00 UTC; 2021-11-07 01:30 EST (second reading written with its offset) = 06:30 UTC.
  const i = incident('2021-11-06-night', '2021-11-06 19:00', '2021-11-07T01:30:00-05:00');
  const m = model([i], Date.UTC(2021, 10, 20));
  const days = m.services[0]!.days;
  assert.equal(days.find((d) => d.date === '2021-11-06')!.downtimeMinutes, 60);
  assert.equal(days.find((d) => d.date === '2021-11-07')!.downtimeMinutes, 390);
  // The window is 30 UTC days including today, and today counts only up to now (its midnight): 29 days lived.
  const expected = 100 * (1 - 450 / (29 * 24 * 60));
  assert.ok(Math.abs(m.services[0]!.uptimePercent! - expected) < 1e-9, `${m.services[0]!.uptimePercent} vs ${expected}`);
});

/** The services an incident affects: known to site.yaml, each once, with its impact. */
import { DEFAULT_IMPACT, NO_IMPACT, type AffectedService, type Impact } from '../core/model.js';
import { Rule } from '../core/rules.js';
import { didYouMean } from '../core/suggest.js';
import type { Checker } from './checker.js';

export function readServices(c: Checker): AffectedService[] {
  const known = c.ctx.config.services.map((s) => s.id);
  const services: AffectedService[] = [];
  const seen = new Set<string>();
  (c.raw.services ?? []).forEach((ref, i) => {
    if (ref === undefined || (typeof ref !== 'string' && ref.id === undefined)) return;
    const id = typeof ref === 'string' ? ref : ref.id;
    const path = typeof ref === 'string' ? ['services', i] : ['services', i, 'id'];
    if (!known.includes(id)) {
      c.flag(path, Rule.UnknownService, `unknown service "${id}"; expected one of the ids in site.yaml: ${known.join(', ')}`, didYouMean(id, known));
      return;
    }
    if (seen.has(id)) {
      c.flag(path, Rule.DuplicateService, `service "${id}" is listed twice; expected each service once`);
      return;
    }
    seen.add(id);
    const impact = typeof ref === 'string' || ref.impact === undefined ? DEFAULT_IMPACT[c.raw.severity ?? 'notice'] : toImpact(ref.impact);
    services.push({ id, impact });
  });
  return services;
}

/** A written impact as stored: `operational` (listed, not impacted) is a null impact. */
export function toImpact(value: Impact | typeof NO_IMPACT): Impact | null {
  return value === NO_IMPACT ? null : value;
}

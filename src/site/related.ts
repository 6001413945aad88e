/**
 * Related incidents: for each incident, up to five earlier ones most like it, with the reasons they were chosen.
 * Computed from the site model's published incidents (maintenance left out), deterministic, in time roughly
 * linear in the number of incidents:
 *
 * - Features of an incident: its services, tags, contributing factors (compared as `factorKey`) and the words of
 *   its title, summary and root cause (lowercased, three letters or more, common English words left out, a
 *   plural `s` dropped).
 * - Weights do not move with every edit: a feature weighs its kind's weight (service 1, word 1, tag 2, factor 3)
 *   times floor(log2(N / df)), N the number of incidents, df the number that have the feature. Being whole
 *   numbers of a logarithm, they change only when N / df crosses a power of two, so one edit changes the weight
 *   of a few features at most, and the related lists of only the incidents that depend on them.
 * - Candidates come from an inverted index, walking each feature's list of earlier incidents from the newest,
 *   at most `WALK` of them: a rare feature finds every incident that shares it, a common one only its latest
 *   (it weighs little anyway). An incident is searched by its services, tags and factors and its `MAX_WORDS`
 *   most distinctive words. No pair of incidents is compared otherwise: the work is at most
 *   incidents × features × `WALK`.
 * - Score: the sum of the weights of the shared features found; at least `MIN_SCORE`. Ties: the more recent
 *   incident first, then by id.
 */
import { compareStrings } from '../core/compare.js';
import type { IncidentView, SiteModel } from './types.js';
import { factorKey } from './insights.js';

export const MAX_RELATED = 5;
export const MIN_SCORE = 3;
/** Most earlier incidents looked at per feature. */
export const WALK = 48;
/** Most words of an incident used to find candidates: its most distinctive ones (highest weight). */
export const MAX_WORDS = 24;

const KIND_WEIGHT = { s: 1, t: 2, f: 3, w: 1 } as const;
type Kind = keyof typeof KIND_WEIGHT;

export interface RelatedReason {
  kind: 'service' | 'tag' | 'factor' | 'words';
  /** Service ids, tags, factors (as this incident writes them) or words, strongest first. */
  values: string[];
}

export interface Related {
  id: string;
  score: number;
  reasons: RelatedReason[];
}

const STOP = new Set(
  `the and for with was were are has have had from this that these those then than into onto over under after before during while when where which who whom whose what why how all any each few more most other some such not nor only own same too very can will just should would could did does doing our ours you your they them their there here its about above below again further once also been being because both but out off upon per via using use used via http https www com org net html`.split(/\s+/),
);

/** The distinct words of a text, as compared (the first spelling seen kept for display). */
export function words(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.normalize('NFKC').toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = m[0];
    if (w.length < 3 || STOP.has(w) || /^\d+$/.test(w)) continue;
    const stem = w.length > 4 && w.endsWith('s') && !/(ss|us|is)$/.test(w) ? w.slice(0, -1) : w;
    if (!out.has(stem)) out.set(stem, w);
  }
  return out;
}

interface Features {
  /** `<kind>:<value>` → what to show for it. */
  keys: Map<string, string>;
}

/** Per view object: a view shared by two models (dev's patched one) is read once. */
const featureCache = new WeakMap<IncidentView, Features>();

function featuresOf(inc: IncidentView): Features {
  let f = featureCache.get(inc);
  if (f) return f;
  const keys = new Map<string, string>();
  for (const s of inc.services) keys.set(`s:${s.id}`, s.id);
  for (const t of inc.tags) keys.set(`t:${t}`, t);
  for (const factor of inc.contributingFactors) {
    const k = factorKey(factor);
    if (k && !keys.has(`f:${k}`)) keys.set(`f:${k}`, factor.trim());
  }
  for (const [stem, shown] of words(`${inc.title} ${inc.summary} ${inc.rootCause ?? ''}`)) keys.set(`w:${stem}`, shown);
  featureCache.set(inc, (f = { keys }));
  return f;
}

/** The inverted index of a model: features → the incidents that have them, oldest first. */
interface Index {
  /** Non-maintenance incidents, oldest first. */
  order: IncidentView[];
  position: Map<string, number>;
  postings: Map<string, number[]>;
  weight: Map<string, number>;
  /** Per incident (by position): the features it is searched by, their postings and weights. */
  searchBy: { keys: string[]; lists: number[][]; weights: number[] }[];
  /** Scratch scores, one per incident, kept at zero between queries. */
  scores: Int32Array;
}

const indexCache = new WeakMap<SiteModel, Index>();
const resultCache = new WeakMap<SiteModel, Map<string, Related[]>>();

function indexOf(model: SiteModel): Index {
  let idx = indexCache.get(model);
  if (idx) return idx;
  const order = model.incidents.filter((i) => !i.isMaintenance).reverse();
  const postings = new Map<string, number[]>();
  order.forEach((inc, i) => {
    for (const key of featuresOf(inc).keys.keys()) {
      const list = postings.get(key);
      if (list) list.push(i);
      else postings.set(key, [i]);
    }
  });
  const n = order.length;
  const weight = new Map<string, number>();
  for (const [key, list] of postings) {
    const w = KIND_WEIGHT[key[0] as Kind] * Math.max(0, Math.floor(Math.log2(n / list.length)));
    if (w > 0 && list.length > 1) weight.set(key, w);
  }
  const searchBy = order.map((inc) => {
    const keys = [...featuresOf(inc).keys.keys()].filter((k) => weight.has(k));
    const words = keys.filter((k) => k[0] === 'w').sort((a, b) => weight.get(b)! - weight.get(a)! || compareStrings(a, b));
    const chosen = [...keys.filter((k) => k[0] !== 'w'), ...words.slice(0, MAX_WORDS)];
    return { keys: chosen, lists: chosen.map((k) => postings.get(k)!), weights: chosen.map((k) => weight.get(k)!) };
  });
  idx = { order, position: new Map(order.map((inc, i) => [inc.id, i])), postings, weight, searchBy, scores: new Int32Array(n) };
  indexCache.set(model, idx);
  return idx;
}

/** The last index in an ascending list that is below `x` (binary search), or −1. */
function lastBelow(list: readonly number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The features that made `b` a candidate for `a` (those `a` is searched by that `b` has), by kind. */
function reasonsOf(idx: Index, a: IncidentView, b: IncidentView): RelatedReason[] {
  const fa = featuresOf(a).keys;
  const fb = featuresOf(b).keys;
  const shared = idx.searchBy[idx.position.get(a.id)!]!.keys.filter((k) => fb.has(k));
  const by = (kind: Kind) =>
    shared
      .filter((k) => k[0] === kind)
      .sort((x, y) => idx.weight.get(y)! - idx.weight.get(x)! || compareStrings(x, y))
      .map((k) => fa.get(k)!);
  const reasons: RelatedReason[] = [];
  const add = (kind: RelatedReason['kind'], values: string[]) => values.length && reasons.push({ kind, values });
  add('service', by('s'));
  add('tag', by('t'));
  add('factor', by('f'));
  add('words', by('w').slice(0, 3));
  return reasons;
}

function computeRelated(idx: Index, inc: IncidentView): Related[] {
  const me = idx.position.get(inc.id);
  if (me === undefined) return [];
  const { scores } = idx;
  const touched: number[] = [];
  const { lists, weights } = idx.searchBy[me]!;
  for (let f = 0; f < lists.length; f++) {
    const list = lists[f]!;
    const w = weights[f]!;
    const end = lastBelow(list, me);
    for (let k = end; k >= 0 && k > end - WALK; k--) {
      const j = list[k]!;
      if (scores[j] === 0) touched.push(j);
      scores[j] = scores[j]! + w;
    }
  }
  // The best MAX_RELATED by score, then the more recent (a higher position): kept in order as they come.
  const best: [number, number][] = [];
  const better = (x: [number, number], y: [number, number]) => x[1] > y[1] || (x[1] === y[1] && x[0] > y[0]);
  for (const j of touched) {
    const s = scores[j]!;
    scores[j] = 0;
    if (s < MIN_SCORE) continue;
    const entry: [number, number] = [j, s];
    if (best.length === MAX_RELATED && !better(entry, best[MAX_RELATED - 1]!)) continue;
    let at = best.length;
    while (at > 0 && better(entry, best[at - 1]!)) at--;
    best.splice(at, 0, entry);
    if (best.length > MAX_RELATED) best.pop();
  }
  return best.map(([i, s]) => {
    const other = idx.order[i]!;
    return { id: other.id, score: s, reasons: reasonsOf(idx, inc, other) };
  });
}

/** Up to five earlier incidents most like `inc`, strongest first (none for maintenance); once per model. */
export function relatedIncidents(model: SiteModel, inc: IncidentView): Related[] {
  let cache = resultCache.get(model);
  if (!cache) resultCache.set(model, (cache = new Map()));
  let r = cache.get(inc.id);
  if (!r) cache.set(inc.id, (r = inc.isMaintenance ? [] : computeRelated(indexOf(model), inc)));
  return r;
}

/**
 * Peak memory of a process with everything it started (worker threads are in the process; Pagefind's indexer is a
 * child process): the sum of the resident set sizes of the process tree, sampled from /proc every 50 ms. GNU
 * time's maximum is that of the largest single process, which would leave the indexer out.
 */
import { readdirSync, readFileSync } from 'node:fs';

function children(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (list) out.push(...list.split(/\s+/).map(Number));
    }
  } catch {
    // Gone.
  }
  return out;
}

function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The summed RSS of `pid` and its descendants, KiB. */
export function treeRssKiB(pid: number): number {
  let sum = 0;
  const stack = [pid];
  const seen = new Set<number>();
  while (stack.length) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    sum += rssKiB(p);
    stack.push(...children(p));
  }
  return sum;
}

/** Sample the tree of `pid` until stopped; `stop()` returns the peak (KiB), NaN where /proc is missing. */
export function sampleTree(pid: number, everyMs = 50): { stop: () => number } {
  let peak = 0;
  const tick = () => {
    peak = Math.max(peak, treeRssKiB(pid));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      tick();
      return peak > 0 ? peak : NaN;
    },
  };
}

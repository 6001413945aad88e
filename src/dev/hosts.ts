/**
 * Which `Host` a request to `dev` may name. The preview serves drafts: a web page the developer visits could read it
 * by DNS rebinding (its own name made to resolve to 127.0.0.1, then same-origin requests), unless the server answers
 * only requests addressed to one of its own names: the localhost names (and `*.localhost`, which browsers resolve to
 * the loopback), the loopback addresses, the address it listens on, the machine's own addresses and name when it
 * listens on every interface, and the names given with `--allowed-host`.
 */
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

/** `example.com` → that name; `.example.com` → it and every name under it. */
export function parseAllowedHosts(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase().replace(/\.$/, '')).filter((v) => v !== '');
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);

export class AllowedHosts {
  private readonly names = new Set<string>(['localhost', '::1', 'ip6-localhost', 'ip6-loopback']);
  private readonly suffixes: string[] = ['.localhost'];

  /** `bound`: the address listened on; `extra`: `--allowed-host` values (see `parseAllowedHosts`). */
  constructor(bound: string, extra: readonly string[] = []) {
    this.add(bound);
    if (WILDCARD.has(bound)) {
      for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) this.add(a.address.replace(/%.*$/, ''));
      this.add(hostname());
      this.add(`${hostname()}.local`);
    }
    for (const h of extra) {
      if (h.startsWith('.')) this.suffixes.push(h);
      this.add(h.replace(/^\./, ''));
    }
  }

  private add(name: string): void {
    if (!WILDCARD.has(name)) this.names.add(name.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, ''));
  }

  /** Whether a `Host` header names this server; a request without one (not from a browser) is allowed. */
  allows(header: string | undefined): boolean {
    if (header === undefined) return true;
    const host = hostOf(header);
    if (host === null) return false;
    if (this.names.has(host) || this.suffixes.some((s) => host.endsWith(s))) return true;
    return isIP(host) === 4 && host.startsWith('127.');
  }
}

/** The host of a `Host` header (`[::1]:4000` → `::1`, `Example.COM.:80` → `example.com`), or null when malformed. */
export function hostOf(header: string): string | null {
  const h = header.trim().toLowerCase();
  const m = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(h) ?? /^([^:[\]\s/@]+?)\.?(?::\d{1,5})?$/.exec(h);
  return m ? m[1]! : null;
}

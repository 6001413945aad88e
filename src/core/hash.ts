import { createHash } from 'node:crypto';

/** SHA-256 of a text, base64url: the identity of a file's content in the caches. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** SHA-256 of parts joined by NUL, base64url: keys made of several values. */
export function hashParts(...parts: readonly (string | number | boolean | null)[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('base64url');
}

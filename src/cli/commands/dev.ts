/** `postmortem dev`: the live preview (dev/session.ts), with the command's options and its exit status. */
import type { Io } from '../../core/io.js';
import { say } from '../../core/terminal.js';
import { openBrowser, startDev, type DevSession } from '../../dev/index.js';
import { parseAudience, parseFileTimeout, parsePort, type Values } from '../options.js';

export async function runDev(root: string, values: Values, io: Io): Promise<number> {
  const port = parsePort(values.port);
  const host = typeof values.host === 'string' && values.host !== '' ? values.host : '127.0.0.1';
  const fileTimeoutMs = parseFileTimeout(values['file-timeout']);
  const audience = parseAudience(values.audience) ?? 'public';
  let session: DevSession;
  try {
    const allowedHosts = Array.isArray(values['allowed-host']) ? values['allowed-host'] : [];
    session = await startDev({ root, port, host, io, handleProcess: true, allowedHosts, audience, ...(fileTimeoutMs !== undefined ? { fileTimeoutMs } : {}) });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      io.err(say`postmortem dev: ${(e as Error).message}; choose another with --port N (or --port 0 for any free port)\n`);
      return 1;
    }
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      io.err(say`postmortem dev: cannot listen on ${host}:${port}: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
  if (values.open === true) openBrowser(session.url, io.err);
  return session.done;
}

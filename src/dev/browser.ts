/** `dev --open`: the default browser; failing to open one is only a warning. */
import { spawn } from 'node:child_process';

export function openBrowser(url: string, warnLine: (s: string) => void): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]] : ['xdg-open', [url]];
  const warn = (why: string) => warnLine(`postmortem dev: warning: could not open a browser (${why}); open ${url} yourself\n`);
  try {
    const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', (e) => warn(e.message));
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) warn(`${cmd} exited with status ${code}`);
    });
    child.unref();
  } catch (e) {
    warn(e instanceof Error ? e.message : String(e));
  }
}

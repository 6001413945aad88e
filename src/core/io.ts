/** Where a command writes: its output, its errors, whether to colour them, and its environment. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Whether to colour output (a TTY without NO_COLOR, or FORCE_COLOR). */
  color: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where a command that asks questions reads the answers (`init`); it asks only when this is a TTY. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export function defaultIo(): Io {
  const env = process.env;
  const color = env.FORCE_COLOR ? env.FORCE_COLOR !== '0' : !!process.stdout.isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    color,
    env,
    cwd: process.cwd(),
    stdin: process.stdin,
  };
}

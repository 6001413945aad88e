#!/usr/bin/env node
import { main } from '../build/src/cli.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`postmortem: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 70;
  },
);

/** Scaffolds: the files `postmortem new` writes for an author to fill in. */
export * from './scaffold.js';

/** Scaffolds: the files `postmortem new` writes for an author to fill in, and those `postmortem init` starts a site with. */
export * from './scaffold.js';
export * from './init.js';

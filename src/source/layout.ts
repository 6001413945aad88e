/** The names of a project's inputs, relative to its root (the folder holding site.yaml). */

export const CONFIG_FILE = 'site.yaml';
export const INCIDENTS_DIR = 'incidents';
export const TEMPLATES_DIR = 'templates';
export const STATIC_DIR = 'static';
/** The project's own strings: `locales/<language>.json|yaml|yml`. */
export const LOCALES_DIR = 'locales';
/** The build cache, inside the project (git-ignored). */
export const CACHE_DIR = '.cache/postmortem';

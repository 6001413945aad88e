/** Thrown when a command cannot run at all (no readable site.yaml, a bad option): exit status 2, a one-line message. */
export class ProjectError extends Error {}

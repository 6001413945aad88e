/**
 * Notification targets (`notify:` in site.yaml): where `postmortem notify` posts the changes of a publish. They are
 * not part of the site: nothing rendered depends on them, so adding or changing one never invalidates a build.
 */

/** The platforms a target posts to, each in its own message format. */
export const NOTIFY_TYPES = ['slack', 'discord', 'teams', 'webhook'] as const;
export type NotifyType = (typeof NOTIFY_TYPES)[number];

/**
 * What a publish can announce. `opened` also covers an incident opened again (its `resolved` removed); `update` is
 * a new status update of an incident or maintenance; `service_status` a service whose status changed.
 */
export const NOTIFY_EVENTS = ['opened', 'update', 'resolved', 'postmortem', 'scheduled', 'started', 'completed', 'service_status'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/**
 * The events of a target that lists none: all but `service_status`, since every incident that is opened or
 * resolved also changes the status of its services (one message, not two).
 */
export const DEFAULT_NOTIFY_EVENTS: readonly NotifyEvent[] = NOTIFY_EVENTS.filter((e) => e !== 'service_status');

/**
 * Names a target may read from the environment. site.yaml comes from pull requests: only variables meant for
 * postmortem may be named, so that a pull request cannot send another secret of the CI job to a URL of its choosing.
 */
export const NOTIFY_ENV_PATTERN = '^POSTMORTEM_[A-Z0-9_]+$';
export const NOTIFY_ENV_PREFIX = 'POSTMORTEM_';

export interface NotifyTarget {
  type: NotifyType;
  /** Environment variable holding the target's URL (a secret: it is never written in a file, never printed). */
  urlEnv: string;
  /** `webhook`: environment variable holding the signing secret. */
  secretEnv?: string;
  /** Only what concerns these service ids; absent: every service. */
  services?: string[];
  /** Only these events; DEFAULT_NOTIFY_EVENTS when absent. */
  events: NotifyEvent[];
}

/**
 * Stage 10, notify: after a publish, the live site's snapshot (`api/notify.json`) against the one just built →
 * changes (events.ts) → one message per change and target in each platform's format (view.ts, formats.ts,
 * webhook.ts) → delivered with retries within a deadline (http.ts, deliver.ts), or printed; what was not delivered
 * can be kept in an outbox (outbox.ts). Reads built sites and the network only, never the incident files.
 */
export { NotifyError } from './errors.js';
export { deriveChanges, type Change, type IncidentChange, type ServiceChange } from './events.js';
export { parseSnapshot, fetchSnapshot, readSiteFolder, type Previous } from './snapshot.js';
export { planMessages, eventsFor, type Outgoing } from './plan.js';
export { loadDetails, parseUpdateKey, type IncidentDetails } from './details.js';
export { messageView, type MessageView } from './view.js';
export { discordPayload, slackPayload, teamsPayload } from './formats.js';
export { signatureHeaders, signingKey, webhookPayload } from './webhook.js';
export { post, retryAfterMs, type PostOptions, type PostResult } from './http.js';
export { deliver, redactor, resolveTarget, type DeliveryResult, type TargetRef } from './deliver.js';
export { readOutbox, writeOutbox, OUTBOX_FORMAT } from './outbox.js';
export { segments } from './text.js';
export { runNotify, runResend, runSavePrevious, SEND_DEFAULTS, type NotifyIo, type NotifyOptions, type SendOptions } from './run.js';

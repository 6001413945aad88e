/**
 * Each platform's own message format, from a MessageView:
 * - Slack: Block Kit through an incoming webhook (a header, the text in mrkdwn, facts, a button); `text` is the
 *   notification's fallback. `&`, `<` and `>` are escaped, so nothing in an incident can mention `@channel`.
 * - Discord: one embed (title linking to the page, description, inline fields, colour, timestamp); no mention is
 *   ever allowed (`allowed_mentions.parse: []`), and Markdown in the text is escaped.
 * - Microsoft Teams: an Adaptive Card in a `message` attachment, as Workflows webhooks ("When a Teams webhook request
 *   is received") take it; the Office 365 connectors' MessageCard is retired.
 * Plain text everywhere: the update's own links survive, nothing else of its Markdown is interpreted.
 */
import type { MessageView, Tone } from './view.js';
import type { Segment } from './text.js';
import { truncate } from './text.js';

export type ChatPayload = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Slack

const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const slackHref = (url: string) => url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C');

function slackText(segs: readonly Segment[]): string {
  return segs.map((s) => ('href' in s ? `<${slackHref(s.href)}|${slackEscape(s.text.replace(/[|>]/g, ' '))}>` : slackEscape(s.text))).join('');
}

export function slackPayload(v: MessageView): ChatPayload {
  const heading = truncate(`${v.label}: ${v.title}`, 150);
  const facts = v.facts.map(([k, val]) => `*${slackEscape(k)}:* ${slackEscape(val)}`).join('   ');
  return {
    text: `${heading} ${v.url}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: heading, emoji: false } },
      { type: 'section', text: { type: 'mrkdwn', text: slackText(v.text) || ' ' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: facts }] },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: v.linkLabel, emoji: false }, url: v.url }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `<${slackHref(v.site.url)}|${slackEscape(v.site.title)}>` }] },
    ],
    unfurl_links: false,
    unfurl_media: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Discord

const DISCORD_COLOR: Record<Tone, number> = { critical: 0xd1242f, major: 0xe16f24, minor: 0xbf8700, info: 0x0969da, good: 0x1a7f37 };

/** Markdown and mentions written literally. */
const discordEscape = (s: string) => s.replace(/([\\*_~`|[\]()<>#:-])/g, '\\$1').replace(/@/g, '@\u200b');

function discordText(segs: readonly Segment[]): string {
  return segs.map((s) => ('href' in s ? `[${discordEscape(s.text)}](${s.href.replace(/\)/g, '%29')})` : discordEscape(s.text))).join('');
}

export function discordPayload(v: MessageView): ChatPayload {
  return {
    embeds: [
      {
        title: truncate(`${v.label}: ${v.title}`, 256),
        url: v.url,
        description: discordText(v.text),
        color: DISCORD_COLOR[v.tone],
        fields: v.facts.map(([name, value]) => ({ name, value: truncate(value, 1024), inline: true })),
        footer: { text: truncate(v.site.title, 2048) },
        timestamp: v.at,
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

// ---------------------------------------------------------------------------------------------
// Microsoft Teams (Workflows)

const TEAMS_STYLE: Record<Tone, string> = { critical: 'attention', major: 'warning', minor: 'warning', info: 'accent', good: 'good' };

/** Adaptive Card text is a subset of Markdown: its marks (emphasis, code, links) are escaped, links written as links. */
const teamsEscape = (s: string) => s.replace(/([\\*_`[\]])/g, '\\$1');

function teamsText(segs: readonly Segment[]): string {
  return segs.map((s) => ('href' in s ? `[${teamsEscape(s.text)}](${s.href.replace(/\)/g, '%29')})` : teamsEscape(s.text))).join('');
}

export function teamsPayload(v: MessageView): ChatPayload {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            {
              type: 'Container',
              style: TEAMS_STYLE[v.tone],
              bleed: true,
              items: [
                { type: 'TextBlock', text: teamsEscape(v.label), weight: 'Bolder', size: 'Small', wrap: true },
                { type: 'TextBlock', text: teamsEscape(v.title), weight: 'Bolder', size: 'Large', wrap: true },
              ],
            },
            { type: 'TextBlock', text: teamsText(v.text), wrap: true },
            { type: 'FactSet', facts: v.facts.map(([title, value]) => ({ title, value: teamsEscape(value) })) },
            { type: 'TextBlock', text: teamsEscape(v.site.title), isSubtle: true, size: 'Small', wrap: true },
          ],
          actions: [{ type: 'Action.OpenUrl', title: v.linkLabel, url: v.url }],
        },
      },
    ],
  };
}

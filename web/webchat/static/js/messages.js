// How one message (or one album) looks in the chat: bubbles, photos, places, quotes, buttons.

import { S, avatar, h, icon } from "./ui.js";
import { placeName } from "./places.js";

const GAP_MINUTES = 5; // WeChat shows the time again when a few minutes have passed

/** Consecutive photos of one album (same media_group_id) form one block; others are alone. */
export function blocksOf(messages) {
  const blocks = [];
  for (const msg of messages) {
    const last = blocks[blocks.length - 1];
    if (msg.media_group_id && last && last.group === msg.media_group_id) {
      last.msgs.push(msg);
    } else {
      blocks.push({
        key: msg.media_group_id ? `g:${msg.media_group_id}` : `m:${msg.id}`,
        group: msg.media_group_id,
        msgs: [msg],
      });
    }
  }
  return blocks;
}

export function minutesOf(msg) {
  return Date.parse(`${msg.date}T${msg.time}:00Z`) / 60000;
}

export function needsTime(prev, msg) {
  return !prev || minutesOf(msg) - minutesOf(prev) >= GAP_MINUTES;
}

/** "14:09", "昨天 14:09", "11月20日 14:09" — relative to the (demo) clock's today. */
export function timeLabel(msg, today, locale) {
  if (!today || msg.date === today) return msg.time;
  const day = new Date(`${msg.date}T00:00:00Z`);
  const todayDate = new Date(`${today}T00:00:00Z`);
  const days = Math.round((todayDate - day) / 86400000);
  if (days === 1) return `${S("yesterday")} ${msg.time}`;
  const options = { month: "short", day: "numeric", timeZone: "UTC" };
  if (day.getUTCFullYear() !== todayDate.getUTCFullYear()) options.year = "numeric";
  const tag = locale === "en" ? "en" : "zh-CN";
  return `${new Intl.DateTimeFormat(tag, options).format(day)} ${msg.time}`;
}

/** A one-line summary for the chat list: text, or [照片] / [位置] as WeChat writes them. */
export function previewOf(msg) {
  if (!msg) return "";
  if (msg.text) return msg.text.replace(/\s+/g, " ");
  if (msg.photo_url) return `[${S("photo")}]`;
  if (msg.location) return `[${S("location")}]`;
  return "";
}

function quoteOf(reply) {
  if (!reply) return null;
  return h("div.quote", { testid: "reply-quote", dataset: { replyTo: reply.id } },
    h("span.quote-name", {}, `${reply.from_name}${S("name-sep")}`), reply.text || `[${S("photo")}]`);
}

// The ticket card (handlers' card-title starts 📋, or 🔴 when urgent) gets a card's layout.
const CARD_HEAD = /^(📋|🔴)/u;
const STATUS_LINE = /^(状态|Status)\s*[:：]/;

export function isTicketCard(msg) {
  return msg.from.is_bot && CARD_HEAD.test(msg.text);
}

function textBubble(msg, extraClass = "") {
  const edited = msg.edited && msg.from.is_bot ? h("span.edited", {}, S("edited")) : null;
  if (!isTicketCard(msg)) {
    return h(`div.bubble${extraClass}`, { testid: "message-text" }, msg.text, edited);
  }
  const [head, ...lines] = msg.text.split("\n");
  const rows = lines.map((line) => h(`div.card-line${STATUS_LINE.test(line) ? ".card-status" : ""}`,
    {}, line));
  if (edited && rows.length) rows[rows.length - 1].append(edited);
  return h(`div.bubble.ticket${extraClass}`, { testid: "message-text" },
    h("div.card-head", {}, head),
    h("div.card-body", {}, rows));
}

function photoOf(msg, onPhoto) {
  return h("button.photo", {
    type: "button", testid: "message-photo", "aria-label": S("photo"),
    onclick: () => onPhoto(msg.photo_url),
  }, h("img", { src: msg.photo_url, alt: "", loading: "lazy" }));
}

function locationCard(msg) {
  const { lat, lon } = msg.location;
  return h("div.location-card", { testid: "location-card" },
    h("div.loc-text", {},
      h("div.loc-name", {}, placeName(lat, lon) || S("location")),
      h("div.loc-coords", {}, `${lat.toFixed(4)}, ${lon.toFixed(4)}`)),
    h("div.loc-map", {}, icon("mapPin", "loc-pin")));
}

function keyboardOf(msg, onPress) {
  if (!msg.buttons || !msg.buttons.length) return null;
  return h("div.keyboard", { testid: "inline-keyboard" },
    msg.buttons.map((row) => h("div.kb-row", {},
      row.map((button) => h("button.kb-button", {
        type: "button",
        testid: "inline-button",
        dataset: { callback: button.data, messageId: msg.id },
        onclick: (event) => onPress(msg, button, event.currentTarget),
      }, button.text)))));
}

/** One block as a chat row. ctx: {me, group, onPress(msg, button, el), onPhoto(url)}. */
export function renderBlock(block, ctx) {
  const first = block.msgs[0];
  const mine = first.from.id === ctx.me;
  const bot = first.from.is_bot;
  const content = [];
  if (block.msgs.length > 1) {
    const cols = block.msgs.length === 2 || block.msgs.length === 4 ? 2 : 3;
    content.push(h(`div.album.cols-${cols}`, { testid: "album" },
      block.msgs.map((m) => photoOf(m, ctx.onPhoto))));
  } else if (first.photo_url) {
    content.push(photoOf(first, ctx.onPhoto));
  }
  if (first.location) content.push(locationCard(first));
  if (first.text) content.push(textBubble(first, first.photo_url ? ".caption" : ""));
  const keyboard = keyboardOf(first, ctx.onPress);
  const who = bot ? { id: "bot", name: first.from.name } : first.from;
  return h(`div.msg.${mine ? "mine" : "theirs"}${bot ? ".from-bot" : ""}`, {
    testid: "message",
    dataset: {
      messageId: first.id,
      ids: block.msgs.map((m) => m.id).join(" "),
      from: first.from.id,
      edited: first.edited ? "true" : "false",
      kind: isTicketCard(first) ? "ticket" : undefined,
    },
  },
  avatar(who, { size: 42, bot }),
  h("div.msg-main", {},
    ctx.group && !mine
      ? h("div.sender", {}, first.from.name, bot ? h("span.bot-tag", {}, S("bot-tag")) : null)
      : null,
    quoteOf(first.reply_to),
    content,
    keyboard));
}

// The home view: your chats, newest first, with red unread badges like WeChat's.

import { meButton, topbar } from "./identity.js";
import { previewOf } from "./messages.js";
import { app, today } from "./state.js";
import { S, avatar, groupAvatar, h } from "./ui.js";

function shortTime(msg) {
  if (!msg) return "";
  const now = today();
  if (msg.date === now) return msg.time;
  const days = Math.round((Date.parse(now) - Date.parse(msg.date)) / 86400000);
  if (days === 1) return S("yesterday");
  const [, month, day] = msg.date.split("-");
  return `${Number(month)}/${Number(day)}`;
}

function badge(chat) {
  if (!chat.unread) return null;
  return h("span.badge", { testid: "unread-badge" }, chat.unread > 99 ? "99+" : chat.unread);
}

function chatRow(chat, onOpen) {
  const art = chat.kind === "group"
    ? groupAvatar(chat, 50)
    : avatar({ id: "bot", name: S("bot-name") }, { size: 50, shape: "square", bot: true });
  const last = chat.last;
  let preview = previewOf(last);
  if (last && chat.kind === "group" && !last.from.is_bot && last.from.id !== app.me.id) {
    preview = `${last.from.name}${S("name-sep")}${preview}`;
  }
  return h("button.chat-item", {
    type: "button", testid: "chat-item", dataset: { chatId: chat.id, kind: chat.kind },
    onclick: () => onOpen(chat),
  },
  h("span.chat-art", {}, art, badge(chat)),
  h("span.chat-text", {},
    h("span.chat-line", {},
      h("span.chat-title", { testid: "chat-item-title" }, chat.title),
      h("span.chat-time", {}, shortTime(last))),
    h("span.chat-preview", {}, preview || "\u00a0")));
}

export function sortChats() {
  app.chats.sort((a, b) => (b.last?.id || 0) - (a.last?.id || 0)
    || (a.kind === "private") - (b.kind === "private"));
}

export function chatListView({ onOpen, onSwitch }) {
  const list = h("div.list.chat-list", { testid: "chat-list" });
  const paint = () => {
    sortChats();
    list.replaceChildren(...app.chats.map((chat) => chatRow(chat, onOpen)));
  };
  paint();
  const me = h("button.me-card", {
    type: "button", testid: "current-identity", dataset: { identity: app.me.id },
    onclick: onSwitch,
  },
  avatar(app.me, { size: 52 }),
  h("span.me-text", {},
    h("span.me-label", {}, S("current-identity")),
    h("span.me-name", {}, app.me.name),
    h("span.me-roles", {}, app.me.roles || S("no-role"))),
  h("span.me-switch", {}, S("switch-identity"), " ›"));
  const el = h("section.screen.list-screen", { testid: "chat-list-screen" },
    topbar({ title: S("chats"), right: meButton(onSwitch) }),
    h("div.scroll", {}, me, list,
      h("p.list-foot", {}, S("list-hint"))));
  return { name: "list", el, refresh: paint };
}

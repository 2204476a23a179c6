// What the page knows: who you are, your chats, unread counts, and the (demo) clock.

const body = document.body.dataset;

export const app = {
  locale: body.locale || "zh_CN",
  demo: body.demo === "true",
  tz: body.timezone || "Asia/Shanghai",
  identities: [],
  me: null, // {id, name, roles}
  chats: [], // {id, title, kind, last, unread}
  online: false,
  live: null,
  view: null, // the open view: {name, chat?, onMessage?, onEdit?, refresh?, destroy?}
  clock: { serverMs: null, atMs: 0 },
};

const STORE_AS = "gridbot.webchat.as";

export function storedIdentity() {
  const fromUrl = new URLSearchParams(location.search).get("as");
  if (fromUrl) return fromUrl;
  try {
    return localStorage.getItem(STORE_AS);
  } catch {
    return null;
  }
}

/** Remember who this window is: in localStorage, and in ?as= so a reload keeps it per window. */
export function rememberIdentity(id) {
  try {
    localStorage.setItem(STORE_AS, id);
  } catch {
    // private mode: the URL still carries it
  }
  const u = new URL(location.href);
  u.searchParams.set("as", id);
  history.replaceState(null, "", u);
}

export function forgetIdentity() {
  try {
    localStorage.removeItem(STORE_AS);
  } catch {
    // nothing stored
  }
  const u = new URL(location.href);
  u.searchParams.delete("as");
  history.replaceState(null, "", u);
}

function readKey() {
  return `gridbot.webchat.read.${app.me ? app.me.id : ""}`;
}

/** The newest message id seen in each chat, so a reload still knows what is unread. */
export function lastRead() {
  try {
    return JSON.parse(localStorage.getItem(readKey()) || "{}");
  } catch {
    return {};
  }
}

export function markRead(chatId, messageId) {
  const seen = lastRead();
  if ((seen[chatId] || 0) >= messageId) return;
  seen[chatId] = messageId;
  try {
    localStorage.setItem(readKey(), JSON.stringify(seen));
  } catch {
    // best effort only
  }
}

export function chatById(id) {
  return app.chats.find((c) => c.id === id) || null;
}

export function clockNow() {
  if (app.clock.serverMs === null) return new Date();
  return new Date(app.clock.serverMs + (performance.now() - app.clock.atMs));
}

export function setClock(iso) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return;
  app.clock.serverMs = ms;
  app.clock.atMs = performance.now();
}

/** Today's date (YYYY-MM-DD) in the deployment's time zone, by the demo clock. */
export function today() {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: app.tz, year: "numeric", month: "2-digit", day: "2-digit",
  }).formatToParts(clockNow());
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

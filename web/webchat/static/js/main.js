// The page: pick who you are, see your chats, open one; live events keep every window current.
// Routes live in the hash: #/ (chats), #/chat/<id>, #/who (pick an identity).

import { Live, api } from "./api.js";
import { chatView } from "./chat.js";
import { chatListView } from "./chatlist.js";
import { clockMoved, onClockMoved, startClock } from "./clock.js";
import { identityView } from "./identity.js";
import { loadPlaces } from "./places.js";
import {
  app, chatById, forgetIdentity, lastRead, markRead, rememberIdentity, storedIdentity,
} from "./state.js";
import { S, alertBox, setStrings, toast } from "./ui.js";

const viewEl = document.getElementById("view");
const offline = document.querySelector("[data-testid=offline-banner]");

function route() {
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ""));
  if (hash === "who") return { name: "who" };
  if (hash.startsWith("chat/")) return { name: "chat", chat: hash.slice(5) };
  return { name: "list" };
}

function go(path) {
  const target = `#/${path}`;
  if (location.hash !== target) location.hash = target;
  else show();
}

function mount(view) {
  if (app.view && app.view.destroy) app.view.destroy();
  app.view = view;
  viewEl.replaceChildren(view.el);
  document.body.dataset.view = view.name;
  if (view.mounted) view.mounted();
}

function unreadElsewhere(chatId) {
  return app.chats.filter((c) => c.id !== chatId).reduce((n, c) => n + (c.unread || 0), 0);
}

function show() {
  const where = route();
  if (!app.me || where.name === "who") {
    mount(identityView({ onPick: pickIdentity, onBack: app.me ? () => go("") : null }));
    return;
  }
  if (where.name === "chat") {
    const chat = chatById(where.chat);
    if (chat) {
      chat.unread = 0;
      mount(chatView(chat, {
        onBack: () => go(""), onSwitch: () => go("who"),
        unreadElsewhere: () => unreadElsewhere(chat.id),
      }));
      return;
    }
  }
  mount(chatListView({
    onOpen: (chat) => go(`chat/${encodeURIComponent(chat.id)}`), onSwitch: () => go("who"),
  }));
}

async function loadChats() {
  const [chats] = await Promise.all([api.chats(app.me.id), loadPlaces(app.me.id)]);
  const seen = lastRead();
  const previous = new Map(app.chats.map((c) => [c.id, c]));
  app.chats = await Promise.all(chats.map(async (chat) => {
    // The private chat's title in the page's own language, whatever the person's locale.
    const title = chat.kind === "private" ? S("bot-chat") : chat.title;
    let last = null;
    try {
      [last] = await api.history(app.me.id, chat.id, 1);
    } catch {
      last = null;
    }
    const old = previous.get(chat.id);
    const unseen = last && last.id > (seen[chat.id] || 0) && last.from.id !== app.me.id;
    return { ...chat, title, last: last || null, unread: old?.unread || (unseen ? 1 : 0) };
  }));
}

async function pickIdentity(person) {
  const changed = !app.me || app.me.id !== person.id;
  app.me = person;
  rememberIdentity(person.id);
  document.body.dataset.identity = person.id;
  if (changed) {
    app.chats = [];
    await loadChats();
    connect();
  }
  go("");
}

function connect() {
  if (app.live) app.live.close();
  app.live = null; // a deliberate switch is not a dropped line: no banner
  setOnline(false);
  app.live = new Live(app.me.id, { onEvent, onState });
}

function setOnline(on) {
  app.online = on;
  document.body.dataset.live = String(on);
  offline.hidden = on || !app.live;
}

async function onState(on, again) {
  setOnline(on);
  if (on && again) {
    // Back after a drop: catch up on whatever was said meanwhile.
    await loadChats().catch(() => {});
    if (app.view?.resync) await app.view.resync();
    app.view?.refresh?.();
  }
}

function onEvent(event) {
  if (event.type === "toast") {
    if (event.alert) alertBox(event.text);
    else toast(event.text, { kind: "plain" });
    return;
  }
  if (event.type === "clock") {
    clockMoved(event.now);
    return;
  }
  if (event.type !== "message" && event.type !== "edit") return;
  const msg = event.message;
  const chat = chatById(msg.chat_id);
  if (!chat) return; // a group this person is not in
  const open = app.view?.name === "chat" && app.view.chat.id === chat.id;
  if (!chat.last || msg.id >= chat.last.id) chat.last = msg;
  if (event.type === "message") {
    if (open) {
      app.view.onMessage(msg);
      markRead(chat.id, msg.id);
    } else if (msg.from.id !== app.me.id) {
      chat.unread = (chat.unread || 0) + 1;
    }
  } else if (open) {
    app.view.onEdit(msg);
  }
  app.view?.refresh?.();
}

async function boot() {
  try {
    const { strings } = await api.strings();
    setStrings(strings);
    document.title = S("title");
    offline.textContent = S("offline");
    app.identities = await api.identities();
  } catch (error) {
    viewEl.textContent = error.message;
    return;
  }
  await startClock();
  onClockMoved(() => app.view?.refresh?.());
  const wanted = storedIdentity();
  const person = app.identities.find((p) => p.id === wanted);
  if (wanted && !person) {
    forgetIdentity();
    toast(S("error-unknown-identity"), { kind: "error" });
  }
  if (person) {
    app.me = person;
    document.body.dataset.identity = person.id;
    rememberIdentity(person.id);
    try {
      await loadChats();
    } catch (error) {
      toast(error.message, { kind: "error" });
    }
    connect();
  }
  window.addEventListener("hashchange", show);
  show();
  document.body.dataset.ready = "true";
}

boot();

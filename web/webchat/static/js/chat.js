// One open chat: the messages (kept in id order, re-drawn by key) and the input bar.

import { api } from "./api.js";
import { composer } from "./composer.js";
import { meButton, topbar } from "./identity.js";
import { blocksOf, needsTime, renderBlock, timeLabel } from "./messages.js";
import { app, markRead, today } from "./state.js";
import { S, h, toast, viewPhoto } from "./ui.js";

const STICK_PX = 160; // this close to the bottom counts as "reading the newest"

export function chatView(chat, { onBack, onSwitch, unreadElsewhere }) {
  const messages = new Map();
  const drawn = new Map(); // block key -> {sig, node}
  const flashing = new Set();
  const list = h("div.messages", { testid: "message-list", dataset: { chatId: chat.id } });
  const scroller = h("main.chat-scroll", { testid: "chat-scroll" }, list);
  let stick = true;
  let loaded = false;
  // Ids that arrived live while a history fetch was on its way: that (older) snapshot must
  // neither drop them nor overwrite them, or a poll sent meanwhile would vanish from view.
  let liveDuringLoad = null;

  scroller.addEventListener("scroll", () => {
    stick = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < STICK_PX;
  }, { passive: true });
  // Photos load after they are drawn; keep the newest message in sight while they do.
  const resize = new ResizeObserver(() => {
    if (stick) scroller.scrollTop = scroller.scrollHeight;
  });
  resize.observe(list);

  async function press(msg, button, el) {
    if (el.classList.contains("busy")) return;
    el.classList.add("busy");
    try {
      await api.press(app.me.id, chat.id, msg.id, button.data);
    } catch (error) {
      toast(error.message, { kind: "error" });
    } finally {
      el.classList.remove("busy");
    }
  }

  const ctx = {
    me: app.me.id, group: chat.kind === "group", onPress: press, onPhoto: viewPhoto,
  };

  function paint() {
    const sorted = [...messages.values()].sort((a, b) => a.id - b.id);
    const nodes = [];
    let previous = null;
    const day = today();
    const keep = new Set();
    const reuse = (key, sig, build) => {
      let entry = drawn.get(key);
      if (!entry || entry.sig !== sig) {
        entry = { sig, node: build(entry) };
        drawn.set(key, entry);
      }
      keep.add(key);
      nodes.push(entry.node);
    };
    for (const block of blocksOf(sorted)) {
      const first = block.msgs[0];
      if (needsTime(previous, first)) {
        const label = timeLabel(first, day, app.locale);
        reuse(`t:${block.key}`, label, () => h("div.time-sep", { testid: "time-separator" },
          h("span", {}, label)));
      }
      reuse(block.key, JSON.stringify(block.msgs), (old) => {
        const node = renderBlock(block, ctx);
        if (old && block.msgs.some((m) => flashing.has(m.id))) {
          // The living card changed: a brief glow says so.
          node.classList.add("flash");
          node.addEventListener("animationend", () => node.classList.remove("flash"),
            { once: true });
        }
        return node;
      });
      previous = block.msgs[block.msgs.length - 1];
    }
    for (const key of [...drawn.keys()]) if (!keep.has(key)) drawn.delete(key);
    flashing.clear();
    if (!nodes.length && loaded) {
      nodes.push(h("div.empty-chat", { testid: "empty-chat" }, S("empty-chat")));
    }
    place(nodes);
    if (stick) scroller.scrollTop = scroller.scrollHeight;
    if (sorted.length) markRead(chat.id, sorted[sorted.length - 1].id);
  }

  /** Put the nodes in order, moving only what moved (a moved node would restart its glow). */
  function place(nodes) {
    nodes.forEach((node, index) => {
      const there = list.children[index];
      if (there !== node) list.insertBefore(node, there || null);
    });
    while (list.children.length > nodes.length) list.lastElementChild.remove();
  }

  function upsert(msg, { edited = false, own = false } = {}) {
    if (msg.chat_id !== chat.id) return;
    if (edited) flashing.add(msg.id);
    if (own) stick = true;
    liveDuringLoad?.add(msg.id);
    messages.set(msg.id, msg);
    paint();
  }

  async function load() {
    const live = new Set();
    liveDuringLoad = live;
    try {
      const rows = await api.history(app.me.id, chat.id);
      for (const id of [...messages.keys()]) if (!live.has(id)) messages.delete(id);
      for (const msg of rows) if (!live.has(msg.id)) messages.set(msg.id, msg);
      loaded = true;
      stick = true;
      paint();
    } catch (error) {
      toast(error.message, { kind: "error" });
    } finally {
      if (liveDuringLoad === live) liveDuringLoad = null;
    }
  }

  const backCount = h("span");
  const bar = composer(chat, { onSent: (views) => views.forEach((m) => upsert(m, { own: true })) });
  const el = h("section.screen.chat-screen", {
    testid: "chat-screen", dataset: { chatId: chat.id, kind: chat.kind },
  },
  topbar({ title: chat.title, onBack, backLabel: backCount, right: meButton(onSwitch) }),
  scroller,
  bar.el);

  function paintBackCount() {
    const n = unreadElsewhere();
    backCount.textContent = n ? String(n > 99 ? "99+" : n) : "";
    backCount.parentElement?.classList.toggle("has-count", Boolean(n));
  }

  load();
  return {
    name: "chat",
    chat,
    el,
    onMessage: (msg) => upsert(msg),
    onEdit: (msg) => upsert(msg, { edited: true }),
    refresh: () => {
      paintBackCount();
      paint();
    },
    resync: load,
    mounted: () => {
      paintBackCount();
      bar.focus();
    },
    destroy: () => resize.disconnect(),
  };
}

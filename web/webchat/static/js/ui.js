// Small building blocks: elements, strings, avatars, the toast, the alert and the photo viewer.

const strings = {};

export function setStrings(table) {
  Object.assign(strings, table);
}

/** A user-facing string from /api/strings (keys webchat-*); the key itself if it is missing. */
export function S(key) {
  return strings[`webchat-${key}`] ?? strings[key] ?? key;
}

/** h("div.a.b", {attrs}, ...children): a tiny element builder; strings become text nodes. */
export function h(tag, attrs = {}, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name || "div");
  if (classes.length) el.className = classes.join(" ");
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "testid") {
      el.dataset.testid = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "html") {
      el.innerHTML = value; // only ever our own icon markup, never a message text
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, value);
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const ICONS = {
  back: '<svg viewBox="0 0 24 24" width="24" height="24"><path d="M15.5 4 7.5 12l8 8" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  plus: '<svg viewBox="0 0 32 32" width="32" height="32"><circle cx="16" cy="16" r="13.5" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M16 9v14M9 16h14" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>',
  photo: '<svg viewBox="0 0 32 32" width="32" height="32"><rect x="4" y="7" width="24" height="19" rx="3" fill="none" stroke="currentColor" stroke-width="2"/><circle cx="11" cy="13.5" r="2.5" fill="currentColor"/><path d="m6 24 7-7 4.5 4.5 3.5-3.5 5 5" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/></svg>',
  pin: '<svg viewBox="0 0 32 32" width="32" height="32"><path d="M16 29s9-8.6 9-15.2A9 9 0 0 0 7 13.8C7 20.4 16 29 16 29Z" fill="none" stroke="currentColor" stroke-width="2"/><circle cx="16" cy="13.5" r="3.3" fill="currentColor"/></svg>',
  mapPin: '<svg viewBox="0 0 24 32" width="24" height="32"><path d="M12 31s10-10.2 10-18A10 10 0 0 0 2 13c0 7.8 10 18 10 18Z" fill="#FA5151"/><circle cx="12" cy="12.5" r="4" fill="#fff"/></svg>',
  bot: '<svg viewBox="0 0 40 40" width="40" height="40"><rect x="9" y="9" width="22" height="22" rx="3" fill="none" stroke="#fff" stroke-width="2.4"/><path d="M16.3 9v22M23.7 9v22M9 16.3h22M9 23.7h22" stroke="#fff" stroke-width="1.6" opacity=".85"/><circle cx="20" cy="20" r="3" fill="#fff"/></svg>',
  check: '<svg viewBox="0 0 48 48" width="44" height="44"><path d="m12 25 8 8 16-17" fill="none" stroke="#fff" stroke-width="3.4" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  warn: '<svg viewBox="0 0 48 48" width="44" height="44"><circle cx="24" cy="24" r="17" fill="none" stroke="#fff" stroke-width="3"/><path d="M24 14v12" stroke="#fff" stroke-width="3.4" stroke-linecap="round"/><circle cx="24" cy="33" r="2.2" fill="#fff"/></svg>',
  tick: '<svg viewBox="0 0 24 24" width="22" height="22"><path d="m5 12.5 4.5 4.5L19 7.5" fill="none" stroke="#07C160" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  forward: '<svg viewBox="0 0 24 24" width="16" height="16"><path d="M4 6l7 6-7 6zM12 6l7 6-7 6z" fill="currentColor"/></svg>',
};

export function icon(name, cls = "icon") {
  return h(`span.${cls}`, { html: ICONS[name], "aria-hidden": "true" });
}

// WeChat's default avatars are coloured tiles with a name on them; a person keeps one colour.
const PALETTE = ["#F5A623", "#4A90E2", "#7ED321", "#E86A5C", "#9B59B6", "#1ABC9C",
  "#F07C3B", "#5C6BC0", "#26A69A", "#D4789A", "#8D6E63", "#42A5F5"];

export function colourOf(seed) {
  let hash = 0;
  for (const ch of String(seed)) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

/** What goes on an avatar: a Chinese name's given name (秀兰), or Latin initials (JS). */
export function initialsOf(name) {
  const text = String(name || "?").trim();
  const chars = [...text];
  if (/[\u3400-\u9fff]/.test(text)) {
    if (chars.length <= 2) return chars.join("");
    return chars.slice(-2).join("");
  }
  const words = text.split(/\s+/).filter(Boolean);
  return words.slice(0, 2).map((w) => [...w][0].toUpperCase()).join("") || "?";
}

export function avatar(person, { size = 40, shape = "round", bot = false } = {}) {
  const el = h(`span.avatar.${shape}`, {
    style: `width:${size}px;height:${size}px;font-size:${Math.round(size * 0.36)}px`,
    "aria-hidden": "true",
  });
  if (bot) {
    el.classList.add("bot");
    el.innerHTML = ICONS.bot;
  } else {
    el.style.background = colourOf(person.id || person.name);
    el.textContent = initialsOf(person.name);
  }
  return el;
}

/** A group's avatar: WeChat shows its members in a small grid; we show the grid's colours. */
export function groupAvatar(chat, size = 48) {
  const tiles = [0, 1, 2, 3].map((i) =>
    h("i", { style: `background:${colourOf(`${chat.id}:${i}`)}` }));
  return h("span.avatar.square.group", {
    style: `width:${size}px;height:${size}px`, "aria-hidden": "true",
  }, tiles);
}

/** The WeChat toast: a dark square with a tick (or a warning), gone after a moment. */
export function toast(text, { kind = "ok", ms = 2400 } = {}) {
  const layer = document.getElementById("toasts");
  const el = h("div.toast", { testid: "toast", role: "status", dataset: { kind } },
    kind === "plain" ? null : icon(kind === "error" ? "warn" : "check", "toast-icon"),
    h("div.toast-text", {}, text));
  layer.replaceChildren(el);
  requestAnimationFrame(() => el.classList.add("show"));
  setTimeout(() => {
    el.classList.remove("show");
    setTimeout(() => el.remove(), 250);
  }, ms);
}

/** A modal dialog with one OK button (an alert from the bot, like Telegram's show_alert). */
export function alertBox(text) {
  return new Promise((resolve) => {
    const layer = document.getElementById("overlays");
    const close = () => {
      mask.remove();
      resolve();
    };
    const ok = h("button.dialog-ok", { type: "button", testid: "alert-ok", onclick: close },
      S("ok"));
    const mask = h("div.mask", { testid: "alert", role: "alertdialog", "aria-modal": "true" },
      h("div.dialog", {}, h("div.dialog-text", { testid: "alert-text" }, text),
        h("div.dialog-buttons", {}, ok)));
    layer.append(mask);
    ok.focus();
  });
}

/** A bottom sheet (the location picker, the identity menu). Returns {sheet, close}. */
export function bottomSheet(title, body, { testid } = {}) {
  const layer = document.getElementById("overlays");
  const close = () => mask.remove();
  const sheet = h("div.sheet", { testid, role: "dialog", "aria-modal": "true" },
    h("div.sheet-title", {}, title), body);
  const mask = h("div.mask.bottom", {
    onclick: (event) => {
      if (event.target === mask) close();
    },
  }, sheet);
  layer.append(mask);
  return { sheet, close };
}

/** Full-screen photo viewer; a tap anywhere closes it. */
export function viewPhoto(url) {
  const layer = document.getElementById("overlays");
  const box = h("div.lightbox", { testid: "lightbox", role: "dialog", onclick: () => box.remove() },
    h("img", { src: url, alt: "" }));
  layer.append(box);
}

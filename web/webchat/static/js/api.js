// The webchat API (web/webchat/api.py) and the live WebSocket, with reconnects.

import { S } from "./ui.js";

export class ApiError extends Error {}

const locale = document.body.dataset.locale || "zh_CN";

function url(path, params = {}) {
  const u = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) u.searchParams.set(key, value);
  }
  // The server words its refusals in this locale: {"error": "<sentence>"}.
  u.searchParams.set("locale", locale);
  return u;
}

async function call(method, path, { params, json, form } = {}) {
  let response;
  try {
    response = await fetch(url(path, params), {
      method,
      headers: json ? { "content-type": "application/json" } : undefined,
      body: json ? JSON.stringify(json) : form,
    });
  } catch {
    throw new ApiError(S("error-network"));
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    // Only the server's own sentence is shown; anything else gets our plain one.
    const sentence = body && typeof body.error === "string" ? body.error : S("error-network");
    const error = new ApiError(sentence);
    error.status = response.status;
    throw error;
  }
  return body;
}

export const api = {
  strings: () => call("GET", "/api/strings"),
  identities: () => call("GET", "/api/identities"),
  chats: (me) => call("GET", "/api/chats", { params: { as: me } }),
  places: (me) => call("GET", "/api/places", { params: { as: me } }),
  history: (me, chat, limit) =>
    call("GET", `/api/chats/${encodeURIComponent(chat)}/messages`, { params: { as: me, limit } }),
  send: (me, chat, form) =>
    call("POST", `/api/chats/${encodeURIComponent(chat)}/messages`, { params: { as: me }, form }),
  press: (me, chat, messageId, data) =>
    call("POST", `/api/chats/${encodeURIComponent(chat)}/press`, {
      params: { as: me }, json: { message_id: messageId, data },
    }),
  clock: () => call("GET", "/api/clock"),
  advance: (hours) => call("POST", "/api/clock/advance", { json: { hours } }),
};

const PING_MS = 25000;
const MAX_BACKOFF_MS = 30000;

/** One live connection for one identity: reconnects with backoff, pings every 25 s. */
export class Live {
  constructor(identity, { onEvent, onState }) {
    this.identity = identity;
    this.onEvent = onEvent;
    this.onState = onState;
    this.attempts = 0;
    this.closed = false;
    this.connect();
  }

  connect() {
    if (this.closed) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(
      `${scheme}://${location.host}/ws?as=${encodeURIComponent(this.identity)}`);
    this.socket = socket;
    socket.onopen = () => {
      const again = this.attempts > 0 || this.everOpen;
      this.attempts = 0;
      this.everOpen = true;
      clearInterval(this.pinger);
      this.pinger = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) socket.send("ping");
      }, PING_MS);
      this.onState(true, again);
    };
    socket.onmessage = (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      this.onEvent(data);
    };
    socket.onclose = () => {
      clearInterval(this.pinger);
      if (this.closed) return;
      this.onState(false, false);
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempts) * (0.8 + Math.random() * 0.4);
      this.attempts += 1;
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.pinger);
    if (this.socket) this.socket.close();
  }
}

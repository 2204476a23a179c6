// The phone's status bar shows the (demo) clock; in the demo a chip opens the fast-forward.

import { api } from "./api.js";
import { app, clockNow, setClock } from "./state.js";
import { S, h, icon, toast } from "./ui.js";

const timeEl = document.querySelector("[data-testid=clock-time]");
const chip = document.querySelector("[data-testid=clock-toggle]");
const panel = document.querySelector("[data-testid=clock-panel]");
const listeners = [];

function format(options) {
  const tag = app.locale === "en" ? "en-GB" : "zh-CN";
  return new Intl.DateTimeFormat(tag, { timeZone: app.tz, hour12: false, ...options })
    .format(clockNow());
}

export function paintClock() {
  const time = format({ hour: "2-digit", minute: "2-digit" });
  // In the demo the date matters too: a day's fast-forward must show.
  timeEl.textContent = app.demo ? `${format({ month: "short", day: "numeric" })} ${time}` : time;
  timeEl.dataset.iso = clockNow().toISOString();
  const full = panel.querySelector(".clock-full");
  if (full) {
    full.textContent = format({
      year: "numeric", month: "short", day: "numeric", weekday: "short",
      hour: "2-digit", minute: "2-digit",
    });
  }
}

/** Called when the clock moved (ours or another window's fast-forward). */
export function clockMoved(iso) {
  setClock(iso);
  paintClock();
  for (const fn of listeners) fn();
}

export function onClockMoved(fn) {
  listeners.push(fn);
}

async function advance(hours, button) {
  button.disabled = true;
  try {
    const { now } = await api.advance(hours);
    clockMoved(now);
    toast(S(hours >= 24 ? "clock-advanced-day" : "clock-advanced-hour"));
  } catch (error) {
    toast(error.message, { kind: "error" });
  } finally {
    button.disabled = false;
  }
}

export async function startClock() {
  try {
    const { now } = await api.clock();
    setClock(now);
  } catch {
    // the status bar falls back to this machine's clock
  }
  if (app.demo) {
    chip.hidden = false;
    chip.replaceChildren(icon("forward", "chip-icon"), S("clock-chip"));
    chip.setAttribute("aria-expanded", "false");
    const hour = h("button.clock-button", {
      type: "button", testid: "clock-advance-hour", onclick: (e) => advance(1, e.currentTarget),
    }, S("clock-hour"));
    const day = h("button.clock-button", {
      type: "button", testid: "clock-advance-day", onclick: (e) => advance(24, e.currentTarget),
    }, S("clock-day"));
    panel.replaceChildren(
      h("div.clock-head", {}, h("span.clock-label", {}, S("clock-title")),
        h("span.clock-full", { testid: "clock-full" })),
      h("div.clock-buttons", {}, hour, day),
      h("div.clock-hint", {}, S("clock-hint")));
    chip.addEventListener("click", () => {
      panel.hidden = !panel.hidden;
      chip.setAttribute("aria-expanded", String(!panel.hidden));
    });
  }
  paintClock();
  setInterval(paintClock, 10000);
}

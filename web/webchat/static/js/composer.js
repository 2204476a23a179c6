// The input bar: text, "+" (照片 / 位置), and 发送. Photos wait in a tray until sent.

import { api } from "./api.js";
import { PLACES } from "./places.js";
import { app } from "./state.js";
import { S, bottomSheet, h, icon, toast } from "./ui.js";

const MAX_ROWS_PX = 120;
// What one Telegram message holds (models/types.py TEXT_LIMIT); the counter shows near it.
const TEXT_LIMIT = 4096;
const COUNT_FROM = TEXT_LIMIT - 300;

export function composer(chat, { onSent }) {
  let photos = [];
  let sending = false;

  const input = h("textarea.input", {
    testid: "message-input", rows: "1", enterkeyhint: "send",
    placeholder: S("input-placeholder"), "aria-label": S("input-placeholder"),
  });
  const send = h("button.send", { type: "button", testid: "send-button" }, S("send"));
  const counter = h("span.counter", { testid: "text-counter", hidden: true, "aria-live": "polite" });
  const more = h("button.more", {
    type: "button", testid: "more-button", "aria-label": S("more"), "aria-expanded": "false",
  }, icon("plus"));
  const tray = h("div.tray", { testid: "attachments", hidden: true });
  const fileInput = h("input.file-input", {
    type: "file", accept: "image/*", multiple: true, testid: "photo-input",
  });
  const panel = h("div.more-panel", { testid: "more-panel", hidden: true },
    h("label.tile", { testid: "photo-button" }, fileInput,
      h("span.tile-icon", {}, icon("photo")), h("span.tile-label", {}, S("photo"))),
    h("button.tile", {
      type: "button", testid: "location-button", onclick: () => pickLocation(),
    }, h("span.tile-icon", {}, icon("pin")), h("span.tile-label", {}, S("location"))));

  function refresh() {
    const length = input.value.length;
    counter.hidden = length < COUNT_FROM;
    counter.textContent = `${length}/${TEXT_LIMIT}`;
    counter.classList.toggle("over", length > TEXT_LIMIT);
    const ready = (input.value.trim() !== "" || photos.length > 0) && length <= TEXT_LIMIT;
    send.classList.toggle("ready", ready);
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, MAX_ROWS_PX)}px`;
  }

  function paintTray() {
    tray.hidden = photos.length === 0;
    tray.replaceChildren(...photos.map((file, index) => {
      const url = URL.createObjectURL(file);
      return h("span.thumb", { testid: "attachment" },
        h("img", {
          src: url, alt: file.name,
          onload: () => URL.revokeObjectURL(url),
          onerror: (e) => e.target.parentElement.classList.add("not-image"),
        }),
        h("button.thumb-remove", {
          type: "button", "aria-label": S("remove"),
          onclick: () => {
            photos.splice(index, 1);
            paintTray();
            refresh();
          },
        }, "×"));
    }));
  }

  function togglePanel(open = panel.hidden) {
    panel.hidden = !open;
    more.setAttribute("aria-expanded", String(open));
    more.classList.toggle("open", open);
  }

  async function post(form) {
    sending = true;
    send.disabled = true;
    try {
      const { messages } = await api.send(app.me.id, chat.id, form);
      onSent(messages);
      return true;
    } catch (error) {
      toast(error.message, { kind: "error" });
      return false;
    } finally {
      sending = false;
      send.disabled = false;
    }
  }

  async function submit() {
    if (sending) return;
    const text = input.value.trim();
    if (!text && photos.length === 0) {
      toast(S("error-empty"), { kind: "error" });
      return;
    }
    const form = new FormData();
    form.append("text", text);
    for (const file of photos) form.append("photos", file, file.name);
    if (await post(form)) {
      input.value = "";
      photos = [];
      paintTray();
      togglePanel(false);
      refresh();
    }
  }

  function pickLocation() {
    togglePanel(false);
    let chosen = PLACES.find((p) => p.default) || PLACES[0];
    const lat = h("input.coord", {
      type: "number", step: "any", min: "-90", max: "90", inputmode: "decimal",
      testid: "location-lat", "aria-label": S("latitude"), value: chosen ? String(chosen.lat) : "",
    });
    const lon = h("input.coord", {
      type: "number", step: "any", min: "-180", max: "180", inputmode: "decimal",
      testid: "location-lon", "aria-label": S("longitude"), value: chosen ? String(chosen.lon) : "",
    });
    const rows = PLACES.map((place) => h("button.place", {
      type: "button", testid: "location-preset",
      dataset: { lat: place.lat, lon: place.lon, place: place.key },
      "aria-pressed": String(place === chosen),
      onclick: () => {
        chosen = place;
        lat.value = String(place.lat);
        lon.value = String(place.lon);
        for (const row of rows) row.setAttribute("aria-pressed", String(row.dataset.place === place.key));
      },
    }, icon("pin", "place-icon"),
    h("span.place-text", {}, h("span.place-name", {}, S(place.key)),
      h("span.place-coords", {}, `${place.lat.toFixed(4)}, ${place.lon.toFixed(4)}`)),
    icon("tick", "place-tick")));
    const custom = h("div.coords", {},
      h("label", {}, h("span", {}, S("latitude")), lat),
      h("label", {}, h("span", {}, S("longitude")), lon));
    const go = h("button.sheet-primary", { type: "button", testid: "location-send" }, S("send"));
    const cancel = h("button.sheet-secondary", { type: "button" }, S("cancel"));
    const { close } = bottomSheet(S("location-title"), h("div.sheet-body", {},
      h("div.places", {}, rows),
      h("div.coords-title", {}, S("location-custom")),
      custom,
      h("div.sheet-actions", {}, cancel, go)), { testid: "location-sheet" });
    cancel.addEventListener("click", close);
    // Typing coordinates by hand un-ticks the preset.
    for (const field of [lat, lon]) {
      field.addEventListener("input", () => {
        for (const row of rows) row.setAttribute("aria-pressed", "false");
      });
    }
    go.addEventListener("click", async () => {
      const la = Number(lat.value);
      const lo = Number(lon.value);
      if (lat.value === "" || lon.value === "" || !(Math.abs(la) <= 90) || !(Math.abs(lo) <= 180)) {
        toast(S("error-bad-location"), { kind: "error" });
        return;
      }
      const form = new FormData();
      form.append("lat", String(la));
      form.append("lon", String(lo));
      go.disabled = true;
      if (await post(form)) close();
      go.disabled = false;
    });
  }

  input.addEventListener("input", refresh);
  input.addEventListener("focus", () => togglePanel(false));
  input.addEventListener("keydown", (event) => {
    // Enter sends, as in WeChat; not while a Chinese input method is still composing.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      submit();
    }
  });
  send.addEventListener("click", submit);
  more.addEventListener("click", () => togglePanel());
  fileInput.addEventListener("change", () => {
    // No filtering here: the server refuses a non-picture with a sentence the person can read.
    photos = photos.concat([...fileInput.files]).slice(0, 9); // WeChat's album limit
    fileInput.value = "";
    paintTray();
    togglePanel(false);
    refresh();
  });

  const el = h("footer.composer", { testid: "composer" },
    tray,
    h("div.bar", {}, input, more, send),
    counter,
    panel);
  refresh();
  return { el, focus: () => {} };
}

// "Who are you?": the demo's people with their roles; each window can be someone else.

import { app } from "./state.js";
import { S, avatar, h, icon } from "./ui.js";

export function topbar({ title, onBack, backLabel, right }) {
  return h("header.topbar", {},
    onBack
      ? h("button.topbar-back", {
        type: "button", testid: "back-button", "aria-label": S("back"), onclick: onBack,
      }, icon("back"), backLabel ? h("span.back-count", { testid: "back-unread" }, backLabel) : null)
      : h("span.topbar-side"),
    h("h1.topbar-title", { testid: "view-title" }, title),
    right || h("span.topbar-side"));
}

/** The small avatar at the top right: who you are now; a tap lets you switch. */
export function meButton(onSwitch) {
  if (!app.me) return null;
  return h("button.topbar-me", {
    type: "button", testid: "identity-switcher", title: `${S("current-identity")}${S("name-sep")}${app.me.name}`,
    "aria-label": S("switch-identity"), onclick: onSwitch,
  }, avatar(app.me, { size: 32 }));
}

export function identityView({ onPick, onBack }) {
  const rows = app.identities.map((person) => {
    const current = app.me && app.me.id === person.id;
    return h("button.identity-row", {
      type: "button", testid: "identity-option", dataset: { identity: person.id },
      "aria-current": current ? "true" : undefined, onclick: () => onPick(person),
    },
    avatar(person, { size: 48 }),
    h("span.identity-text", {},
      h("span.identity-name", {}, person.name),
      h("span.identity-roles", {}, person.roles || S("no-role"))),
    current ? icon("tick", "identity-tick") : null);
  });
  const el = h("section.screen.identity-screen", { testid: "identity-screen" },
    topbar({ title: S("pick-identity"), onBack }),
    h("div.scroll", {},
      h("p.identity-hint", {}, S("pick-identity-hint")),
      rows.length
        ? h("div.list", { testid: "identity-list" }, rows)
        : h("p.identity-empty", { testid: "identity-empty" }, S("no-identities"))));
  return { name: "who", el };
}

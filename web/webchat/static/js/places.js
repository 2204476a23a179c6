// The location picker's presets: the places of the person's own community, served by the
// webchat API from web/webchat/demo_places.yaml (a 南湖 resident sees 南湖's places, not
// 四海's). No map tiles are fetched.

import { api } from "./api.js";
import { S } from "./ui.js";

export let PLACES = [];

/** Load the presets for this identity (on start and on every switch of person). */
export async function loadPlaces(me) {
  PLACES = await api.places(me);
}

const NEAR = 0.00015; // about 15 m: close enough to call it the same place

/** The preset's name for a point, or "" when it is none of them. */
export function placeName(lat, lon) {
  const hit = PLACES.find((p) => Math.abs(p.lat - lat) < NEAR && Math.abs(p.lon - lon) < NEAR);
  return hit ? S(hit.key) : "";
}

// Preset points near 四海社区 (朝阳市双塔区) for the location picker; no map tiles are fetched.

import { S } from "./ui.js";

export const PLACES = [
  { key: "place-service-centre", lat: 41.574, lon: 120.4484 },
  { key: "place-building-1", lat: 41.5736, lon: 120.4489 },
  { key: "place-building-2", lat: 41.5734, lon: 120.4494 },
  { key: "place-building-3", lat: 41.5731, lon: 120.4498 },
  { key: "place-building-4", lat: 41.5727, lon: 120.4503 },
  { key: "place-bungalows-east", lat: 41.5719, lon: 120.4516 },
];

const NEAR = 0.00015; // about 15 m: close enough to call it the same place

/** The preset's name for a point, or "" when it is none of them. */
export function placeName(lat, lon) {
  const hit = PLACES.find((p) => Math.abs(p.lat - lat) < NEAR && Math.abs(p.lon - lon) < NEAR);
  return hit ? S(hit.key) : "";
}

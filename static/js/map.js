// Maps on the site's pages, on Leaflet (static/vendor/leaflet, loaded as a classic script before
// this module). Every map reads its settings from data attributes the server writes
// (templates/_map_attrs.html): tile URL and credit (PAKN_MAP_TILE_URL, PAKN_MAP_ATTRIBUTION), the
// province's box (PAKN_PROVINCE_BOUNDS), and for a case its position, always with a dot.
//
// Pages work without this module and without tiles: a map is an addition next to the address,
// the ward and a plain link. When tiles cannot load the map says so and still takes a pin.
//
//   import { baseMap, locationPicker, mountCaseMaps, parseBounds } from "./map.js";
//
// Maps of many cases (the public map, the dashboard's) read GeoJSON that the server has already
// counted into grid cells; `followView` asks for the part in view whenever it moves, and
// `linkMarker` draws a pin or a cluster that a keyboard reaches and a screen reader names.

const L = window.L;

export function parseBounds(text) {
  const [minLon, minLat, maxLon, maxLat] = String(text || "").split(",").map(Number);
  if ([minLon, minLat, maxLon, maxLat].some((n) => !Number.isFinite(n))) return null;
  return {
    minLon, minLat, maxLon, maxLat,
    contains: (lat, lon) => lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon,
    leaflet: () => L.latLngBounds([minLat, minLon], [maxLat, maxLon]),
  };
}

// A Leaflet map in `element`, with the site's tiles and credit, opened on the province (or on
// `center` at `zoom`). Returns null when Leaflet did not load (the page stays as it is).
export function baseMap(element, { center = null, zoom = 16, label = "" } = {}) {
  if (!L || !element) return null;
  const data = element.dataset;
  element.hidden = false;
  const map = L.map(element, { scrollWheelZoom: false, tap: true });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  const maxZoom = Number(data.maxZoom) || 19;
  // Tile servers (OpenStreetMap's among them) want to know which site asks; they get its origin
  // and never a page's path, which on a private page carries the key.
  const tiles = L.tileLayer(data.tileUrl, { attribution: data.attribution || "", maxZoom, referrerPolicy: "strict-origin" });
  let failed = false;
  tiles.on("tileerror", () => {
    if (failed) return;
    failed = true;
    element.classList.add("map-without-tiles");
    const note = element.parentElement && element.parentElement.querySelector("[data-map-note]");
    if (note) note.hidden = false;
  });
  tiles.addTo(map);
  const bounds = parseBounds(data.bounds);
  if (center) map.setView(center, zoom);
  else if (bounds) map.fitBounds(bounds.leaflet());
  else map.setView([0, 0], 2);
  if (label) element.setAttribute("aria-label", label);
  return map;
}

function coordinates(data) {
  const lat = Number(data.lat);
  const lon = Number(data.lon);
  return data.lat && data.lon && Number.isFinite(lat) && Number.isFinite(lon) ? [lat, lon] : null;
}

// Case pages: a map with the case's pin, for every `[data-map="case"]` not yet shown.
export function mountCaseMaps(root = document) {
  for (const element of root.querySelectorAll('[data-map="case"]:not(.leaflet-container)')) {
    const center = coordinates(element.dataset);
    if (!center) continue;
    const map = baseMap(element, { center, zoom: Number(element.dataset.zoom) || 17, label: element.dataset.label });
    if (map) L.marker(center, { keyboard: false, alt: element.dataset.label || "" }).addTo(map);
  }
}

// The form's picker: a tap drops the pin, the pin can be dragged, and `set` moves it (location,
// photo). `onPick(lat, lon, source)` hears every change; `clear` removes the pin.
export function locationPicker(element, { onPick, start = null }) {
  const map = baseMap(element, { center: start, zoom: 17 });
  if (!map) return null;
  let marker = null;
  const place = (lat, lon, source, zoom) => {
    if (!marker) {
      marker = L.marker([lat, lon], { draggable: true, autoPan: true, alt: element.dataset.pinLabel || "" }).addTo(map);
      marker.on("dragend", () => {
        const at = marker.getLatLng();
        onPick(at.lat, at.lng, "drag");
      });
    } else {
      marker.setLatLng([lat, lon]);
    }
    if (zoom) map.setView([lat, lon], Math.max(map.getZoom(), zoom));
    onPick(lat, lon, source);
  };
  if (start) place(start[0], start[1], "start");
  map.on("click", (event) => place(event.latlng.lat, event.latlng.lng, "map"));
  return {
    map,
    set: (lat, lon, source) => place(lat, lon, source, 17),
    clear: () => {
      if (marker) marker.remove();
      marker = null;
    },
  };
}

// --- maps of many cases ------------------------------------------------------------------------

export function formatCount(n) {
  const language = document.documentElement.lang || "vi";
  return Number(n).toLocaleString(language === "en" ? "en-GB" : "vi-VN");
}

// "%(n)s hồ sơ, %(o)s quá hạn" with its numbers.
export function fillIn(template, values) {
  return String(template || "").replace(/%\((\w+)\)s/g, (all, name) => (name in values ? formatCount(values[name]) : all));
}

// The view as the APIs' bbox: minlon,minlat,maxlon,maxlat inside the world's range, with dots.
export function viewBox(map) {
  const b = map.getBounds();
  const clamp = (value, limit) => Math.max(-limit, Math.min(limit, value));
  return [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)]
    .map((n) => n.toFixed(6)).join(",");
}

// How many grid cells to ask for: about one per `cellPx` square of the screen (the APIs take 16 to 500).
export function gridCells(map, cellPx = 40) {
  const size = map.getSize();
  return Math.max(16, Math.min(500, Math.round((size.x / cellPx) * (size.y / cellPx))));
}

// A marker drawn by CSS (`className`) that opens something: focusable, named, Enter opens it.
// `html` must already be safe (numbers only).
export function linkMarker(latLng, { className, size, html = "", name, onOpen }) {
  const icon = L.divIcon({ className, iconSize: [size, size], html });
  const marker = L.marker(latLng, { icon, title: name, keyboard: true, riseOnHover: true });
  marker.on("click", onOpen);
  marker.on("add", () => {
    const node = marker.getElement();
    if (!node) return;
    node.setAttribute("role", "link");
    node.setAttribute("aria-label", name);
  });
  return marker;
}

export function clusterSize(n) {
  return n < 10 ? 32 : n < 100 ? 38 : n < 1000 ? 44 : 50;
}

// Zoom into a cluster's box when that shows more; otherwise call `cannotSplit` (its cases share a spot).
export function zoomInto(map, [west, south, east, north], cannotSplit) {
  const bounds = L.latLngBounds([south, west], [north, east]).pad(0.2);
  const zoom = Math.min(map.getBoundsZoom(bounds), map.getMaxZoom());
  if (zoom > map.getZoom()) map.fitBounds(bounds, { maxZoom: zoom });
  else cannotSplit();
}

// Ask `urlFor(bbox, cells)` for the part in view now and after every move (debounced; an older
// answer still on its way is dropped), keeping the last answers for moves back. `onData(data)`
// draws; `onState("loading" | "failed")` tells.
export function followView(map, { urlFor, onData, onState = () => {}, cellPx = 40 }) {
  const kept = new Map();
  let pending = null;
  let timer = null;
  const load = async () => {
    const url = urlFor(viewBox(map), gridCells(map, cellPx));
    if (kept.has(url)) return onData(kept.get(url));
    if (pending) pending.abort();
    pending = new AbortController();
    onState("loading");
    try {
      const response = await fetch(url, { signal: pending.signal, headers: { Accept: "application/json" },
                                          credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      if (kept.size >= 30) kept.delete(kept.keys().next().value);
      kept.set(url, data);
      onData(data);
    } catch (error) {
      if (error.name !== "AbortError") onState("failed");
    }
  };
  map.on("moveend", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  load();
  return { reload: load };
}

// The box around every feature (a cluster's own box included), to open a map on its data.
export function featuresBounds(features) {
  let bounds = null;
  for (const feature of features) {
    const [lon, lat] = feature.geometry.coordinates;
    const box = feature.properties.bbox;
    const part = box ? L.latLngBounds([box[1], box[0]], [box[3], box[2]]) : L.latLngBounds([lat, lon], [lat, lon]);
    bounds = bounds ? bounds.extend(part) : part;
  }
  return bounds;
}

mountCaseMaps();
document.addEventListener("pakn:updated", (event) => mountCaseMaps(event.detail && event.detail.root));

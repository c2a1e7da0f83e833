// Maps on the site's pages, on Leaflet (static/vendor/leaflet, loaded as a classic script before
// this module). Every map reads its settings from data attributes the server writes
// (templates/_map_attrs.html): tile URL and credit (PAKN_MAP_TILE_URL, PAKN_MAP_ATTRIBUTION), the
// province's box (PAKN_PROVINCE_BOUNDS), and for a case its position, always with a dot.
//
// Pages work without this module and without tiles: a map is an addition next to the address,
// the ward and a plain link. When tiles cannot load the map says so and still takes a pin.
//
//   import { baseMap, locationPicker, mountCaseMaps, parseBounds } from "./map.js";

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

mountCaseMaps();
document.addEventListener("pakn:updated", (event) => mountCaseMaps(event.detail && event.detail.root));

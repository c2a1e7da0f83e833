// The public map (templates/feedback/map.html): the cases of /api/v1/public/map/ for the part of the
// province in view, asked again when the view moves. The server counts them into a grid, so what
// arrives is at most a few hundred features whatever the zoom: a case alone in its cell is a pin
// that opens its public page; several cases in a cell are a cluster that zooms in when tapped, or,
// when they cannot be told apart on the map (the same street corner), opens the list of them.
//
// The list beside the map is written by the server and needs none of this: this module only adds
// the map. Without tiles (weak network, blocked tile server) the pins still show on a blank map.
import {
  baseMap, clusterSize, featuresBounds, fillIn, followView, formatCount, linkMarker, parseBounds, zoomInto,
} from "./map.js";

const L = window.L;
const element = document.getElementById("public-map");
const statusLine = document.getElementById("map-status");
const labelsElement = document.getElementById("map-labels");
const labels = labelsElement ? JSON.parse(labelsElement.textContent) : { categories: {}, states: {} };
const ANSWERED = new Set(["answered", "closed"]);

function caseName(properties) {
  const category = labels.categories[properties.category] || properties.category;
  const state = labels.states[properties.status] || properties.status;
  return `${properties.tracking_code}: ${category}, ${state}`;
}

function casePin(feature) {
  const [lon, lat] = feature.geometry.coordinates;
  const properties = feature.properties;
  const group = ANSWERED.has(properties.status) ? "answered" : "open";
  const url = element.dataset.caseUrl.replace("CODE", encodeURIComponent(properties.tracking_code));
  return linkMarker([lat, lon], { className: `map-pin pin-${group}`, size: 22, name: caseName(properties),
                                  onOpen: () => window.location.assign(url) });
}

// A cluster's cases in the list: its box, a little wider (a box's east and north edges are open).
function listUrlFor([west, south, east, north]) {
  const pad = 0.0001;
  const bbox = [west - pad, south - pad, east + pad, north + pad].map((n) => n.toFixed(6)).join(",");
  const listUrl = element.dataset.listUrl;
  return `${listUrl}${listUrl.includes("?") ? "&" : "?"}bbox=${encodeURIComponent(bbox)}#list`;
}

function clusterMarker(feature, map) {
  const [lon, lat] = feature.geometry.coordinates;
  const properties = feature.properties;
  return linkMarker([lat, lon], {
    className: "map-cluster", size: clusterSize(properties.count), html: `<span>${formatCount(properties.count)}</span>`,
    name: fillIn(element.dataset.clusterLabel, { n: properties.count }),
    onOpen: () => zoomInto(map, properties.bbox, () => window.location.assign(listUrlFor(properties.bbox))),
  });
}

function say(text) {
  if (statusLine) statusLine.textContent = text;
}

function start() {
  if (!element) return;
  const map = baseMap(element, { label: element.dataset.label });
  if (!map) return;
  const focus = parseBounds(element.dataset.focus);
  if (focus) map.fitBounds(focus.leaflet());
  let framed = Boolean(focus);
  const layer = L.layerGroup().addTo(map);
  const draw = (data) => {
    // The first time, frame the cases themselves rather than the whole province.
    if (!framed && data.features.length) {
      framed = true;
      const bounds = featuresBounds(data.features);
      if (bounds) map.fitBounds(bounds.pad(0.15), { maxZoom: 16 });
    }
    layer.clearLayers();
    for (const feature of data.features) {
      layer.addLayer(feature.properties.count ? clusterMarker(feature, map) : casePin(feature));
    }
    element.dataset.features = String(data.features.length);
    say(fillIn(statusLine.dataset.countLabel, { n: data.total }));
  };
  followView(map, {
    urlFor: (bbox, cells) => `${element.dataset.source}&bbox=${bbox}&cells=${cells}`,
    onData: draw,
    onState: (state) => say(statusLine.dataset[state === "loading" ? "loadingLabel" : "failedLabel"] || ""),
  });
}

start();

// The dashboard's map (templates/metrics/dashboard.html): the period's cases from
// /dashboard/map.geojson with the dashboard's filters, for the part in view.
//
// Two views of the same answer: by state (a case is a pin coloured overdue / open / answered /
// ended and opens its page; a cluster, red when any of its cases is overdue, zooms in or lists its
// cases in the inbox), and by density (each grid cell shaded by how many cases it holds; a tap
// lists them in the inbox). The ward table under the map needs none of this.
import {
  baseMap, clusterSize, featuresBounds, fillIn, followView, formatCount, linkMarker, zoomInto,
} from "./map.js";

const L = window.L;
const element = document.getElementById("case-map");
const statusLine = document.getElementById("case-map-status");
const modes = document.getElementById("map-modes");
const OPEN = new Set(["submitted", "needs_info", "assigned", "in_progress", "pending_approval"]);
const ANSWERED = new Set(["answered", "closed"]);
const DENSITY = { 1: "#fde0c5", 2: "#f9a66c", 3: "#e4572e", 4: "#8e1010" };

function group(properties) {
  if (properties.overdue) return "overdue";
  if (OPEN.has(properties.state)) return "open";
  if (ANSWERED.has(properties.state)) return "answered";
  return "ended";
}

// The inbox with the dashboard's period and filters, narrowed to a box (east and north edges open).
function inboxUrl([west, south, east, north], pad = 0) {
  const bbox = [west - pad, south - pad, east + pad, north + pad].map((n) => n.toFixed(6)).join(",");
  return `${element.dataset.inboxUrl}&bbox=${encodeURIComponent(bbox)}`;
}

function caseMarker(feature) {
  const [lon, lat] = feature.geometry.coordinates;
  const p = feature.properties;
  const url = element.dataset.caseUrl.replace(/\/0\/$/, `/${p.case}/`);
  return linkMarker([lat, lon], { className: `map-pin pin-${group(p)}`, size: 22,
                                  name: `#${p.case} ${p.title} (${p.state_label})`, onOpen: () => window.location.assign(url) });
}

function clusterMarker(feature, map) {
  const [lon, lat] = feature.geometry.coordinates;
  const p = feature.properties;
  return linkMarker([lat, lon], {
    className: `map-cluster${p.overdue ? " has-overdue" : ""}`, size: clusterSize(p.count),
    html: `<span>${formatCount(p.count)}</span>`,
    name: fillIn(element.dataset.clusterLabel, { n: p.count, o: p.overdue }),
    onOpen: () => zoomInto(map, p.bbox, () => window.location.assign(inboxUrl(p.bbox, 0.000001))),
  });
}

function densityCell(feature, most) {
  const p = feature.properties;
  const [west, south, east, north] = p.cell;
  const level = Math.min(4, 1 + Math.floor((4 * Math.sqrt(p.count)) / Math.sqrt(most + 1)));
  const cell = L.rectangle([[south, west], [north, east]], {
    color: "#5f6368", weight: 1, fillColor: DENSITY[level], fillOpacity: 0.6, className: `density-cell density-level-${level}`,
  });
  const label = fillIn(element.dataset.cellLabel, { n: p.count, o: p.overdue });
  cell.bindTooltip(label);
  cell.on("click", () => window.location.assign(inboxUrl(p.cell)));
  return cell;
}

function start() {
  if (!element) return;
  const map = baseMap(element, { label: element.dataset.label });
  if (!map) return;
  const layer = L.layerGroup().addTo(map);
  let last = null;
  let framed = false;
  const mode = () => (modes && modes.querySelector("input:checked") ? modes.querySelector("input:checked").value : "state");
  const draw = () => {
    if (!last) return;
    layer.clearLayers();
    const density = mode() === "density";
    const most = Math.max(0, ...last.features.map((f) => f.properties.count));
    for (const feature of last.features) {
      if (density) layer.addLayer(densityCell(feature, most));
      else layer.addLayer(feature.properties.count > 1 ? clusterMarker(feature, map) : caseMarker(feature));
    }
    document.getElementById("legend-state").hidden = density;
    document.getElementById("legend-density").hidden = !density;
    element.dataset.features = String(last.features.length);
    element.dataset.mode = mode();
    statusLine.textContent = fillIn(statusLine.dataset.countLabel, { n: last.total, o: last.overdue });
  };
  if (modes) {
    modes.hidden = false;
    modes.addEventListener("change", draw);
  }
  followView(map, {
    urlFor: (bbox, cells) => `${element.dataset.source}${element.dataset.source.includes("?") ? "&" : "?"}bbox=${bbox}&cells=${cells}`,
    onData: (data) => {
      last = data;
      if (!framed && data.features.length) {
        framed = true;
        const bounds = featuresBounds(data.features);
        if (bounds) map.fitBounds(bounds.pad(0.15), { maxZoom: 16 });
      }
      draw();
    },
    onState: (state) => { statusLine.textContent = statusLine.dataset[state === "loading" ? "loadingLabel" : "failedLabel"] || ""; },
  });
}

start();

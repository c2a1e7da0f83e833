// The offline worker. It keeps:
// - the app's shell (styles, scripts, the map library, icons), the home page and the submission
//   form, so the form opens and can be filled without a network;
// - every private case page the citizen opened, so their case stays readable offline;
// and it sends the submissions queued on the device (device-store.js) when the network returns
// (Background Sync; the pages also try when they see the network come back).
// It never answers a POST from a cache: a submission is sent for real, or waits in the outbox.
importScripts("__DEVICE_STORE__");

const CACHE = "pakn-shell-__VERSION__";
const PAGES = self.PaknDevice.PAGES_CACHE;
const SHELL = ["__SHELL__"];
const OFFLINE_URL = "__OFFLINE_URL__";
const SHELL_PAGES = ["__HOME_URL__", "__FORM_URL__"];
const PRIVATE_PAGE = /^\/theo-doi\/[^/]+\/$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...SHELL, ...SHELL_PAGES])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("pakn-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The address a page is kept under: a private page with its key, without one-off markers.
function pageKey(url) {
  const key = new URL(url);
  key.searchParams.delete("new");
  key.hash = "";
  return key.href;
}

function cacheFor(url) {
  if (SHELL_PAGES.includes(url.pathname) && !url.search) return CACHE;
  if (PRIVATE_PAGE.test(url.pathname) && url.searchParams.get("key") && !url.searchParams.get("part")) return PAGES;
  return null;
}

async function navigate(request, url) {
  const store = cacheFor(url);
  try {
    const response = await fetch(request);
    if (store && response.status === 200 && response.type === "basic") {
      const copy = response.clone();
      caches.open(store).then((cache) => cache.put(pageKey(url), copy));
    }
    return response;
  } catch (error) {
    const kept = store ? await caches.match(pageKey(url)) : null;
    return kept || (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request, url));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request)));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === self.PaknDevice.SYNC_TAG) event.waitUntil(self.PaknDevice.flushOutbox());
});

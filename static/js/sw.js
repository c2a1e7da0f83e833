// The offline worker. It keeps:
// - the app's shell (styles, scripts, the map library, icons), the home page and the submission
//   form, so the form opens and can be filled without a network;
// - every private case page the citizen opened, with the photos it shows, so their case stays
//   readable offline (a newer visit replaces the copy; "Xóa khỏi máy này" removes it);
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

// A private page replaces its earlier copy, and its photos are fetched now (their signed links
// expire; the kept page keeps the links it was given). A photo that cannot be fetched is left out.
async function keepPrivatePage(url, response) {
  const cache = await caches.open(PAGES);
  const html = await response.clone().text();
  await self.PaknDevice.dropKeptPage(cache, url.pathname);
  await cache.put(pageKey(url), response);
  await Promise.all(self.PaknDevice.photosShown(html).map((photo) => cache.add(photo).catch(() => {})));
}

async function navigate(event, request, url) {
  const store = cacheFor(url);
  try {
    const response = await fetch(request);
    if (store && response.status === 200 && response.type === "basic") {
      const copy = response.clone();
      event.waitUntil(store === PAGES ? keepPrivatePage(url, copy)
        : caches.open(store).then((cache) => cache.put(pageKey(url), copy)));
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
    event.respondWith(navigate(event, request, url));
    return;
  }
  if (url.pathname.startsWith(self.PaknDevice.MEDIA_PREFIX)) {
    // A photo: from the network (which checks who may see it), or the copy kept with a private page.
    event.respondWith(fetch(request).catch(() => caches.match(request, { cacheName: PAGES, ignoreVary: true })
      .then((kept) => kept || Response.error())));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request)));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === self.PaknDevice.SYNC_TAG) event.waitUntil(self.PaknDevice.flushOutbox());
});

// --- Web Push ------------------------------------------------------------------------------------
// A push names a case by its code and says where a tap leads (the citizen's private page, or an
// official's case page). The address is kept on this site whatever the payload says.
function onThisSite(url) {
  try {
    const target = new URL(url, self.location.origin);
    return new URL(target.pathname + target.search + target.hash, self.location.origin).href;
  } catch (error) {
    return new URL("/", self.location.origin).href;
  }
}

// Keep the page the push is about fresh in the cache, so a tap opens it even on a weak network.
async function refreshKeptPage(url) {
  const target = new URL(url);
  const store = cacheFor(target);
  if (!store) return;
  try {
    const response = await fetch(target.href, { credentials: "same-origin" });
    if (response.status !== 200) return;
    if (store === PAGES) await keepPrivatePage(target, response);  // with its photos, as on a visit
    else await (await caches.open(store)).put(pageKey(target), response);
  } catch (error) {
    // Offline now: the page is fetched when opened.
  }
}

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = { body: event.data ? event.data.text() : "" };
  }
  const url = onThisSite(message.url || "/");
  const shown = self.registration.showNotification(message.title || "PAKN", {
    body: message.body || "",
    tag: message.tag || message.tracking_code || undefined,
    renotify: Boolean(message.tag),
    icon: "__ICON__",
    badge: "__ICON__",
    data: { url, tracking_code: message.tracking_code || "" },
  });
  event.waitUntil(Promise.all([shown, refreshKeptPage(url)]));
});

// A tap opens the page the push is about, or brings forward a window already showing it.
async function openOrFocus(url) {
  const target = new URL(url);
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).pathname === target.pathname);
  if (open) {
    const focused = await open.focus();
    // Reload it at the push's address (fresh news); a window this worker does not control stays as is.
    return focused.navigate(url).catch(() => focused);
  }
  return self.clients.openWindow(url);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = onThisSite((event.notification.data && event.notification.data.url) || "/");
  event.waitUntil(openOrFocus(url));
});

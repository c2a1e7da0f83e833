// What the citizen's device keeps for them, shared by the pages and the offline worker (sw.js
// loads this file with importScripts, pages with a plain <script>): IndexedDB "pakn" with
//   outbox  submissions made without a network, with their photos and their one Idempotency-Key;
//   mine    "Phản ánh của tôi": the codes and private links of submissions made on this device.
// flushOutbox() sends what waits, one sender at a time (Web Locks), and tells every open page.
(function (scope) {
  "use strict";

  var DB_NAME = "pakn";
  var DB_VERSION = 1;
  var CHANNEL = "pakn-device";
  var LOCK = "pakn-outbox";
  // The offline worker keeps the private pages opened here in this cache (sw.js).
  var PAGES_CACHE = "pakn-pages-v1";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = scope.indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "id" });
        if (!db.objectStoreNames.contains("mine")) db.createObjectStore("mine", { keyPath: "code" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(storeName, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var result;
        Promise.resolve(work(tx.objectStore(storeName))).then(function (value) { result = value; });
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function requested(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function all(storeName) {
    return run(storeName, "readonly", function (store) { return requested(store.getAll()); });
  }

  function put(storeName, value) {
    return run(storeName, "readwrite", function (store) { return requested(store.put(value)); });
  }

  function remove(storeName, key) {
    return run(storeName, "readwrite", function (store) { return requested(store.delete(key)); });
  }

  function announce(message) {
    if (!("BroadcastChannel" in scope)) return;
    var channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(message);
    channel.close();
  }

  function listen(onMessage) {
    if (!("BroadcastChannel" in scope)) return;
    new BroadcastChannel(CHANNEL).onmessage = function (event) { onMessage(event.data); };
  }

  // --- the outbox ----------------------------------------------------------------------------
  // An item: {id: Idempotency-Key, action: form URL, entries: [[name, value, filename?]],
  //           title, created: ms}. Photos are Blobs inside entries.

  function formData(item, token) {
    var data = new FormData();
    item.entries.forEach(function (entry) {
      if (entry[0] === "csrfmiddlewaretoken") return;
      if (entry[2] !== undefined) data.append(entry[0], entry[1], entry[2]);
      else data.append(entry[0], entry[1]);
    });
    if (token) data.append("csrfmiddlewaretoken", token);
    return data;
  }

  // The form page hands out the token its POST needs (and sets the cookie): a queued item may be
  // sent days later, after the cookie changed.
  function freshToken(action) {
    return fetch(action, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var match = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
        return match ? match[1] : null;
      });
  }

  var CODE_IN_PATH = /\/theo-doi\/([^/]+)\/$/;

  function sendOne(item) {
    return freshToken(item.action).then(function (token) {
      return fetch(item.action, {
        method: "POST", body: formData(item, token), credentials: "same-origin",
        headers: { Accept: "text/html" }, redirect: "follow",
      });
    }).then(function (response) {
      var url = new URL(response.url);
      var code = CODE_IN_PATH.exec(url.pathname);
      if (response.ok && code) {
        url.searchParams.delete("new");
        var entry = { code: decodeURIComponent(code[1]), url: url.pathname + url.search, title: item.title,
                      at: Date.now(), key: item.id };
        return put("mine", entry)
          .then(function () { return remove("outbox", item.id); })
          .then(function () { announce({ type: "sent", id: item.id, code: entry.code, url: entry.url }); });
      }
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        // Refused as it stands (a rule it breaks): the draft on the form keeps the content to fix.
        return remove("outbox", item.id).then(function () {
          announce({ type: "refused", id: item.id, status: response.status });
        });
      }
      // The server is busy: keep it for the next try.
    });
  }

  // Sends every waiting item, oldest first; rejects if any could not reach the server, so
  // Background Sync tries again later.
  function flushUnlocked() {
    var unreached = 0;
    return all("outbox").then(function (items) {
      items.sort(function (a, b) { return a.created - b.created; });
      return items.reduce(function (chain, item) {
        return chain.then(function () { return sendOne(item).catch(function () { unreached += 1; }); });
      }, Promise.resolve());
    }).then(function () {
      if (unreached) throw new Error("offline");
    });
  }

  function flushOutbox() {
    if (scope.navigator && scope.navigator.locks) {
      return scope.navigator.locks.request(LOCK, flushUnlocked);
    }
    return flushUnlocked();
  }

  scope.PaknDevice = {
    outbox: function () { return all("outbox"); },
    queue: function (item) { return put("outbox", item).then(function () { announce({ type: "queued", id: item.id }); }); },
    mine: function () { return all("mine"); },
    // Add or refresh one of "my submissions", keeping what an earlier entry knew (its queue key).
    remember: function (entry) {
      return run("mine", "readwrite", function (store) {
        return requested(store.get(entry.code)).then(function (known) {
          return requested(store.put(Object.assign({}, known || {}, entry)));
        });
      });
    },
    // Take a case off this device: its entry and the copy of its private page the worker kept.
    forget: function (code) {
      var path = "/theo-doi/" + encodeURIComponent(code) + "/";
      var dropPages = !scope.caches ? Promise.resolve() : scope.caches.open(PAGES_CACHE).then(function (cache) {
        return cache.keys().then(function (requests) {
          return Promise.all(requests.filter(function (request) { return new URL(request.url).pathname === path; })
            .map(function (request) { return cache.delete(request); }));
        });
      });
      return Promise.all([remove("mine", code), dropPages]);
    },
    PAGES_CACHE: PAGES_CACHE,
    flushOutbox: flushOutbox,
    listen: listen,
    SYNC_TAG: "pakn-outbox",
  };
})(self);

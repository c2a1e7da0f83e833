// Live updates: staff inbox and case pages (/ws/inbox/), the submitter's own page
// (/ws/feedback/<code>/?key=…). The pages work without this; it only saves a reload.
(function () {
  "use strict";

  var vi = (document.documentElement.lang || "vi").indexOf("en") !== 0;
  var TEXT = vi
    ? { changed: "Có cập nhật mới — tải lại", reload: "Tải lại", updated: "Đã cập nhật:" }
    : { changed: "There is an update — reload", reload: "Reload", updated: "Updated:" };

  function wsUrl(path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  // One socket that comes back after a drop: 1 s, 2 s, 4 s … up to 30 s, plus jitter.
  // Close codes 4401/4403/4404 mean "not for you": do not retry those.
  function connect(path, onMessage) {
    var delay = 1000;
    var socket = null;
    function open() {
      socket = new WebSocket(wsUrl(path));
      socket.onopen = function () { delay = 1000; };
      socket.onmessage = function (event) {
        var data;
        try { data = JSON.parse(event.data); } catch (e) { return; }
        onMessage(data);
      };
      socket.onclose = function (event) {
        if (event.code >= 4400 && event.code < 4500) return;
        setTimeout(open, delay + Math.random() * 500);
        delay = Math.min(delay * 2, 30000);
      };
    }
    open();
    // Phones suspend pages: on return, reconnect at once if the socket died.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && socket && socket.readyState === WebSocket.CLOSED) {
        delay = 1000;
        open();
      }
    });
  }

  function setBadge(container, state, label) {
    var badge = container && container.querySelector(".badge[class*='state-']");
    if (!badge) return;
    badge.className = badge.className.replace(/\bstate-[a-z_]+/, "state-" + state);
    if (label) badge.textContent = label;
  }

  function showReloadNotice(anchor) {
    if (!anchor || document.getElementById("live-notice")) return;
    var notice = document.createElement("p");
    notice.id = "live-notice";
    notice.className = "notice notice-warn live-notice";
    notice.setAttribute("role", "status");
    var link = document.createElement("a");
    link.href = location.href;
    link.textContent = TEXT.changed;
    notice.appendChild(link);
    anchor.parentNode.insertBefore(notice, anchor);
  }

  function setBell(count) {
    var counter = document.querySelector("[data-bell-count]");
    if (!counter || typeof count !== "number") return;
    counter.textContent = String(count);
    counter.hidden = count === 0;
    var bell = counter.closest("[data-bell]");
    if (!bell) return;
    bell.classList.toggle("has-unread", count > 0);
    // What a screen reader says must move with the badge: its label holds the one number.
    bell.setAttribute("aria-label", bell.getAttribute("aria-label").replace(/\d+/, String(count)));
  }

  // --- staff --------------------------------------------------------------------------------
  function staff(list, casePage) {
    connect("/ws/inbox/", function (data) {
      if (data.type === "hello" || data.type === "notification") {
        setBell(data.unread_count);
        return;
      }
      if (data.type !== "case.changed") return;
      if (casePage) {
        if (String(data.case_id) !== casePage.dataset.caseId) return;
        setBadge(casePage, data.state, data.state_label);
        casePage.dataset.caseState = data.state;
        showReloadNotice(casePage);
        return;
      }
      if (!list) return;
      var row = list.querySelector("[data-case-id='" + data.case_id + "']");
      if (row) {
        setBadge(row, data.state, data.state_label);
        row.dataset.caseState = data.state;
        row.classList.add("live-changed");
      }
      showReloadNotice(list);
    });
  }

  // --- the submitter --------------------------------------------------------------------------
  // The page has one template: on a change, fetch its server-rendered live part and swap it in.
  function submitter(root) {
    var key = root.dataset.liveFeedback || new URLSearchParams(location.search).get("key");
    var code = root.dataset.trackingCode;
    var region = root.querySelector("[data-live-region]");
    if (!key || !code || !region) return;
    var pending = null;
    connect("/ws/feedback/" + encodeURIComponent(code) + "/?key=" + encodeURIComponent(key), function (data) {
      if (data.type !== "status") return;
      if (data.status === region.dataset.caseState && String(data.version) === region.dataset.caseVersion) return;
      pending = (pending || Promise.resolve()).then(function () { return refresh(root, region, key); });
    });
  }

  function refresh(root, region, key) {
    var url = (root.dataset.liveUrl || location.pathname) + "?key=" + encodeURIComponent(key) + "&part=live";
    return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var fresh = document.createElement("div");
        fresh.innerHTML = html;
        var typed = typedValues(region);
        region.replaceChildren.apply(region, Array.prototype.slice.call(fresh.childNodes));
        restoreTyped(region, typed);
        var badge = region.querySelector(".badge[class*='state-']");
        var meta = region.querySelector("[data-live-meta]");
        if (meta) {
          region.dataset.caseState = meta.dataset.caseState;
          region.dataset.caseVersion = meta.dataset.caseVersion;
        }
        // A message about an earlier step ("information sent") no longer describes the page.
        var flash = document.querySelector(".messages");
        if (flash && flash.parentNode) flash.parentNode.removeChild(flash);
        var status = document.getElementById("live-status");
        if (status && badge) status.textContent = TEXT.updated + " " + badge.textContent;
        document.dispatchEvent(new CustomEvent("pakn:updated", { detail: { root: region } }));
      })
      .catch(function () { /* offline: the next message or a reload will bring the change */ });
  }

  // What the citizen was typing in a form that is still there after the swap stays typed.
  function typedValues(region) {
    var values = {};
    region.querySelectorAll("form textarea, form input[type=text]").forEach(function (field) {
      var action = field.form && field.form.querySelector("input[name=action]");
      if (field.value) values[(action ? action.value : "") + ":" + field.name] = field.value;
    });
    return values;
  }

  function restoreTyped(region, values) {
    region.querySelectorAll("form textarea, form input[type=text]").forEach(function (field) {
      var action = field.form && field.form.querySelector("input[name=action]");
      var saved = values[(action ? action.value : "") + ":" + field.name];
      if (saved && !field.value) field.value = saved;
    });
  }

  if (!("WebSocket" in window)) return;
  var feedbackRoot = document.querySelector("[data-live-feedback][data-tracking-code]");
  if (feedbackRoot) {
    submitter(feedbackRoot);
    return;
  }
  var list = document.querySelector("[data-live-inbox]");
  var casePage = document.querySelector("[data-case-id][data-case-state]:not(tr)");
  if (list) staff(list, null);
  else if (casePage) staff(null, casePage);
  else if (document.querySelector("[data-bell]")) staff(null, null);
})();

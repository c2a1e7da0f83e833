// Live updates: staff inbox and case pages (/ws/inbox/), the submitter's own page
// (/ws/feedback/<code>/?key=…). The pages work without this; it only saves a reload.
(function () {
  "use strict";

  var vi = (document.documentElement.lang || "vi").indexOf("en") !== 0;
  var TEXT = vi
    ? { changed: "Có cập nhật mới — tải lại", reload: "Tải lại", answer: "Trả lời của cơ quan" }
    : { changed: "There is an update — reload", reload: "Reload", answer: "The agency's answer" };

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
    if (bell) bell.classList.toggle("has-unread", count > 0);
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
  function submitter(root) {
    var key = root.dataset.liveFeedback || new URLSearchParams(location.search).get("key");
    var code = root.dataset.trackingCode;
    if (!key || !code) return;
    var first = true;
    connect("/ws/feedback/" + encodeURIComponent(code) + "/?key=" + encodeURIComponent(key), function (data) {
      if (data.type !== "status") return;
      var changed = root.dataset.caseState && root.dataset.caseState !== data.status;
      root.dataset.caseState = data.status;
      setBadge(root, data.status, data.status_label);
      if (data.answer && !root.querySelector(".answer")) showAnswer(root, data.answer);
      if (changed && !first) showReloadNotice(root.firstElementChild || root);
      first = false;
    });
  }

  function showAnswer(root, text) {
    var section = document.createElement("section");
    section.className = "card answer live-answer";
    var heading = document.createElement("h2");
    heading.textContent = TEXT.answer;
    var body = document.createElement("div");
    body.className = "case-text";
    body.textContent = text; // text, never HTML: the answer is shown as typed
    section.appendChild(heading);
    section.appendChild(body);
    root.insertBefore(section, root.firstChild);
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

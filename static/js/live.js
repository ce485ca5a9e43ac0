// The /ws/live/ socket: reconnects with capped, jittered back-off and re-emits each event
// as a DOM event "live:<type>" (e.g. "live:agent.status") for page modules to handle.
// The server is the source of truth: "live:open" (every connect) tells pages to refresh.
(function () {
  "use strict";
  var path = document.body.dataset.liveUrl;
  if (!path || !("WebSocket" in window)) return;
  var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  var attempt = 0, socket = null, everConnected = false, pingTimer = null;

  function emit(name, detail) { document.dispatchEvent(new CustomEvent(name, { detail: detail })); }

  function connect() {
    socket = new WebSocket(url);
    socket.addEventListener("open", function () {
      emit("live:open", {});  // pages resync from the server: events may have passed while connecting
      if (everConnected) emit("live:reconnected", {});
      everConnected = true;
      attempt = 0;
      clearInterval(pingTimer);
      pingTimer = setInterval(function () {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
      }, 25000);
    });
    socket.addEventListener("message", function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data && typeof data.type === "string") emit("live:" + data.type, data);
    });
    socket.addEventListener("close", function (event) {
      clearInterval(pingTimer);
      if (event.code === 1008 || event.code === 4401) return; // refused: signed out
      var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
      attempt += 1;
      setTimeout(connect, delay);
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && socket && socket.readyState === WebSocket.CLOSED) { attempt = 0; connect(); }
  });
  connect();
})();

// The bell: its unseen count follows "notification" and "notifications.unseen" frames, and is
// fetched again on every (re)connect, since frames sent while the socket was down are gone.
(function () {
  "use strict";
  var COUNT_URL = "/api/v1/notifications/?unread=1&limit=1";

  function setUnseen(count) {
    var bell = document.getElementById("notification-bell");
    if (!bell || typeof count !== "number" || count < 0) return;
    var badge = bell.querySelector("[data-bell-count]");
    bell.dataset.unseen = String(count);
    bell.setAttribute("aria-label", count ? "Notifications, " + count + " unseen" : "Notifications");
    if (badge) {
      badge.textContent = count > 99 ? "99+" : String(count);
      badge.hidden = count === 0;
    }
  }

  function toast(data) {
    var region = document.querySelector("[data-toasts]");
    if (!region || !data.title) return;
    var note = document.createElement(data.url ? "a" : "div");
    note.className = "toast";
    note.textContent = data.title;
    if (data.url) note.href = data.url;
    region.appendChild(note);
    setTimeout(function () { note.remove(); }, 6000);
  }

  function resync() {
    fetch(COUNT_URL, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body) setUnseen(body.unseen); })
      .catch(function () { /* the next connect tries again */ });
  }

  document.addEventListener("live:notification", function (event) {
    setUnseen(event.detail.unseen);
    toast(event.detail);
  });
  document.addEventListener("live:notifications.unseen", function (event) { setUnseen(event.detail.unseen); });
  document.addEventListener("live:open", resync);
})();

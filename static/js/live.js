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

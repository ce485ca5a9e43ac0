// Live agent status badges: every element with data-agent-status="<slug>" follows the
// "agent.status" events from /ws/live/; whenever the socket (re)opens the API is the truth.
// "active" is the normal case, so its badge is hidden: only a status that matters shows.
(function () {
  "use strict";
  var LABELS = { active: "Active", busy: "Busy", paused: "Paused", maintenance: "Maintenance", retired: "Retired" };

  function show(slug, status) {
    if (!LABELS[status]) return;
    document.querySelectorAll('[data-agent-status="' + CSS.escape(slug) + '"]').forEach(function (badge) {
      badge.className = "status status-" + status;
      badge.hidden = status === "active";
      badge.textContent = status === "active" ? "" : LABELS[status];
    });
  }

  document.addEventListener("live:agent.status", function (event) {
    show(event.detail.agent, event.detail.status);
  });

  document.addEventListener("live:open", function () {
    fetch("/api/v1/agents/", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (agents) { agents.forEach(function (a) { show(a.slug, a.status); }); })
      .catch(function () { /* the next event or reload will correct it */ });
  });
})();

// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Sign-up: the shop starts in the browser's time zone (the server validates it).
  document.querySelectorAll("input[data-detect-timezone]").forEach(function (input) {
    try { if (!input.value) input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* keep default */ }
  });
  // Business hours: a day marked closed disables its time inputs.
  document.querySelectorAll(".day-row").forEach(function (row) {
    var closed = row.querySelector('input[type="checkbox"]');
    if (!closed) return;
    var times = row.querySelectorAll('input[type="time"]');
    function sync() { times.forEach(function (t) { t.disabled = closed.checked || closed.disabled; }); }
    closed.addEventListener("change", sync);
    sync();
  });
})();

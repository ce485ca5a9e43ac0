// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
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

// The calendar follows the shop live: an "appointment.changed" frame on /ws/live/ (re-emitted by
// live.js as "live:appointment.changed") re-fetches the calendar fragment, without a page reload.
// "live:open" does the same, since frames may have passed while the socket was away.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var timer = null;

  function refresh() {
    var calendar = document.querySelector("[data-calendar]");
    if (!calendar || !window.htmx) return;
    clearTimeout(timer);
    // Several changes in a burst (a move is a cancel and a book for two columns) make one fetch.
    timer = setTimeout(function () {
      var current = document.querySelector("[data-calendar]");
      if (current) window.htmx.ajax("GET", current.dataset.url, { target: "#calendar", swap: "outerHTML" });
    }, 250);
  }

  document.addEventListener("live:appointment.changed", refresh);
  document.addEventListener("live:reconnected", refresh);
})();

// Starts posthog-js. The page includes it only once the visitor accepted analytics (consent.js);
// Do Not Track and Global Privacy Control still win. No inline script.
(function () {
  "use strict";
  var node = document.getElementById("posthog-config");
  if (!node || !window.posthog || window.posthog.__loaded) return;
  if (navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.globalPrivacyControl === true) return;
  var config = JSON.parse(node.textContent);
  window.posthog.init(config.key, {
    api_host: config.host,
    person_profiles: "identified_only",
    disable_external_dependency_loading: true,
    disable_session_recording: true,
    capture_pageview: true,
    persistence: "localStorage+cookie"
  });
  // A visitor who declined before and accepts now: posthog-js remembers the opt-out itself.
  if (window.posthog.has_opted_out_capturing()) window.posthog.opt_in_capturing();
  if (config.distinct_id) window.posthog.identify(config.distinct_id);
  document.documentElement.setAttribute("data-analytics", "on");
})();

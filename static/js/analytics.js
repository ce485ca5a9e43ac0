// Starts posthog-js only when the server rendered its config (a key is set). No inline script.
(function () {
  "use strict";
  var node = document.getElementById("posthog-config");
  if (!node || !window.posthog) return;
  var config = JSON.parse(node.textContent);
  window.posthog.init(config.key, {
    api_host: config.host,
    person_profiles: "identified_only",
    disable_external_dependency_loading: true,
    disable_session_recording: true,
    capture_pageview: true,
    persistence: "localStorage+cookie"
  });
  if (config.distinct_id) window.posthog.identify(config.distinct_id);
})();

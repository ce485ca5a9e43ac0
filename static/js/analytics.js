// Starts posthog-js. The page includes it only once the visitor accepted analytics (consent.js);
// Do Not Track and Global Privacy Control still win. No inline script.
(function () {
  "use strict";
  var node = document.getElementById("posthog-config");
  if (!node || !window.posthog || window.posthog.__loaded) return;
  if (navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.globalPrivacyControl === true) return;
  var config = JSON.parse(node.textContent);
  // Addresses carry what people type (?q= searches a customer's name or phone, ?prompt= a question):
  // only the path leaves the browser, never the query or the fragment.
  var URL_PROPERTIES = ["$current_url", "$referrer", "$initial_current_url", "$initial_referrer", "$prev_pageview_pathname"];
  function withoutQuery(value) {
    return typeof value === "string" ? value.split(/[?#]/)[0] : value;
  }
  function scrub(event) {
    if (!event || !event.properties) return event;
    URL_PROPERTIES.forEach(function (name) {
      if (name in event.properties) event.properties[name] = withoutQuery(event.properties[name]);
    });
    if (event.properties.$set) {
      URL_PROPERTIES.forEach(function (name) {
        if (name in event.properties.$set) event.properties.$set[name] = withoutQuery(event.properties.$set[name]);
      });
    }
    if (event.properties.$set_once) {
      URL_PROPERTIES.forEach(function (name) {
        if (name in event.properties.$set_once) event.properties.$set_once[name] = withoutQuery(event.properties.$set_once[name]);
      });
    }
    return event;
  }
  window.posthog.init(config.key, {
    api_host: config.host,
    person_profiles: "identified_only",
    disable_external_dependency_loading: true,
    disable_session_recording: true,
    capture_pageview: true,
    // No click capture: a clicked element's text is a customer's name or a chat's words.
    autocapture: false,
    capture_dead_clicks: false,
    rageclick: false,
    before_send: scrub,
    persistence: "localStorage+cookie"
  });
  // A visitor who declined before and accepts now: posthog-js remembers the opt-out itself.
  if (window.posthog.has_opted_out_capturing()) window.posthog.opt_in_capturing();
  if (config.distinct_id) window.posthog.identify(config.distinct_id);
  document.documentElement.setAttribute("data-analytics", "on");
})();

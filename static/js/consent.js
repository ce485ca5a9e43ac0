// The analytics consent banner. posthog-js is loaded only after Accept, and never under Do Not
// Track or Global Privacy Control (treated as Decline, no banner). The choice is a first-party
// cookie, so the server leaves the posthog script out of every page until it says "granted".
(function () {
  "use strict";
  var node = document.getElementById("posthog-config");
  var banner = document.getElementById("consent-banner");
  if (!node || !banner) return;
  var config = JSON.parse(node.textContent);
  var optedOut = navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.globalPrivacyControl === true;
  var opener = null;

  function remember(choice) {
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = config.cookie + "=" + choice + "; Max-Age=31536000; Path=/; SameSite=Lax" + secure;
  }

  function load(src, then) {
    var script = document.createElement("script");
    script.src = src;
    if (then) script.addEventListener("load", then);
    document.head.appendChild(script);
  }

  function start() {
    if (window.posthog && window.posthog.__loaded) {
      window.posthog.opt_in_capturing();
      return;
    }
    load(banner.getAttribute("data-posthog-src"), function () {
      load(banner.getAttribute("data-analytics-src"));
    });
  }

  function choose(choice) {
    remember(choice);
    config.consent = choice;
    banner.hidden = true;
    if (opener) opener.focus();
    if (choice === "granted") start();
    else if (window.posthog && window.posthog.__loaded) window.posthog.opt_out_capturing();
  }

  banner.addEventListener("click", function (event) {
    var button = event.target.closest("[data-consent]");
    if (button) choose(button.getAttribute("data-consent"));
  });

  document.querySelectorAll("[data-consent-open]").forEach(function (button) {
    if (optedOut) {
      button.hidden = true;
      return;
    }
    button.addEventListener("click", function () {
      opener = button;
      banner.hidden = false;
      banner.querySelector("[data-consent='" + (config.consent || "granted") + "']").focus();
    });
  });

  if (!optedOut && !config.consent) banner.hidden = false;
})();

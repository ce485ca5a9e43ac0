// Copy buttons: <button data-copy="#input-id"> copies that field's value. Hidden until this runs,
// so without scripts the key is still there to select by hand.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) return;
    var status = button.closest("[data-new-token]") && button.closest("[data-new-token]").querySelector("[data-copy-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      function done(ok) {
        button.textContent = ok ? "Copied" : "Copy";
        if (status) status.textContent = ok ? "Copied to the clipboard." : "Select the key and copy it by hand.";
      }
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { done(true); }, function () { done(false); });
      } else {
        done(document.execCommand && document.execCommand("copy"));
      }
    });
  });
})();

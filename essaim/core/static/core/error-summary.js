// The DSFR error summary (core/_error_summary.html): focus it when the page loads, and let its
// links focus the field they name (a fragment link only scrolls).
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-error-summary] a[href^='#']") : null;
    if (!link) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    var visible = target.type === "hidden" ? target.parentElement : target;
    visible.scrollIntoView({ block: "center" });
    if (target.type !== "hidden") {
      target.focus({ preventScroll: true });
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();

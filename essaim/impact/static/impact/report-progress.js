// The report page while a generation is queued or running: asks the report's state every three
// seconds, shows the progress and the step, and reloads the page once the generation has ended
// (done or failed). Without JavaScript, the page's "Actualiser" link does the same by hand.
(function () {
  "use strict";
  var box = document.getElementById("report-progress");
  if (!box || !box.dataset.statusUrl) {
    return;
  }
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[data-percent]");
  var step = box.querySelector("[data-step]");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) {
          return;
        }
        if (!state.in_progress) {
          window.location.reload();
          return;
        }
        bar.value = state.progress;
        bar.textContent = state.progress + " %";
        percent.textContent = state.progress;
        step.textContent = state.step;
        window.setTimeout(poll, 3000);
      })
      .catch(function () { window.setTimeout(poll, 6000); });
  }
  window.setTimeout(poll, 3000);
})();

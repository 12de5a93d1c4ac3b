// Links of a support action (axes 4 to 6): shows the introductions, events, indicators and
// campaigns fields only while the chosen axis takes links (the axis select's data-link-axes
// lists those axes' ids). Without this script every field shows and the server refuses links
// on another axis, naming the field.
(function () {
  "use strict";
  var axis = document.querySelector("select[data-link-axes]");
  if (!axis) return;
  var linkAxes = axis.dataset.linkAxes.split(" ");
  var groups = [];
  document.querySelectorAll("[data-axis-links]").forEach(function (input) {
    var group = input.closest("fieldset") || input.closest(".fr-input-group");
    if (group && groups.indexOf(group) === -1) groups.push(group);
  });
  function update() {
    var shown = linkAxes.indexOf(axis.value) !== -1;
    groups.forEach(function (group) {
      group.hidden = !shown;
    });
  }
  axis.addEventListener("change", update);
  update();
})();

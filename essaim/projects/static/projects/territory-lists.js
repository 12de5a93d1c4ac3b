// Project form: the collective and challenge lists ([data-territory-list="<territory select id>"])
// keep only the options of the chosen territory (their data-territory), and every option again
// when no territory is chosen. A choice that no longer fits is cleared. Without this script the
// full lists show and the server refuses a challenge of another territory, naming the field.
(function () {
  "use strict";
  document.querySelectorAll("select[data-territory-list]").forEach(function (select) {
    var territory = document.getElementById(select.dataset.territoryList);
    if (!territory) return;
    var all = Array.prototype.slice.call(select.options);
    function narrow() {
      var chosen = territory.value;
      var current = select.value;
      var kept = all.filter(function (option) {
        return !option.value || !chosen || option.dataset.territory === chosen;
      });
      select.replaceChildren.apply(select, kept);
      var stillThere = kept.some(function (option) { return option.value === current; });
      select.value = stillThere ? current : "";
    }
    territory.addEventListener("change", narrow);
    narrow();
  });
})();

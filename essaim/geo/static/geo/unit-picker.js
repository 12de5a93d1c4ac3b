// Territory picker: a click on a result of /geo/recherche (inside [data-geo-picker]) fills the
// picker's hidden inputs [data-geo-picker-kind] and [data-geo-picker-code], writes the unit's
// name in its search box and clears the results. No dependency; works with htmx-loaded results.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-geo-unit-code]");
    if (!button) return;
    var picker = button.closest("[data-geo-picker]");
    if (!picker) return;
    var kind = picker.querySelector("[data-geo-picker-kind]");
    var code = picker.querySelector("[data-geo-picker-code]");
    var search = picker.querySelector("input[type=search]");
    if (kind) kind.value = button.dataset.geoUnitKind;
    if (code) code.value = button.dataset.geoUnitCode;
    if (search) {
      search.value = button.dataset.geoUnitName;
      search.focus();
    }
    var results = picker.querySelector("[data-geo-results]");
    if (results) results.replaceChildren();
    picker.dispatchEvent(new CustomEvent("geo:picked", { bubbles: true, detail: button.dataset }));
  });
})();

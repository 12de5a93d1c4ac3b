// Perimeter form: once a unit is picked (event "geo:picked" from unit-picker.js), the
// "Ajouter" / "Exclure" buttons append "kind code — name" (or "sauf kind code — name") to the
// units textarea, the format the form reads.
(function () {
  "use strict";
  var form = document.getElementById("perimeter-form");
  if (!form) return;
  var picker = form.querySelector("[data-geo-picker]");
  var units = form.querySelector("#id_units");
  var add = picker.querySelector("[data-geo-add]");
  var exclude = picker.querySelector("[data-geo-exclude]");
  var picked = null;

  picker.addEventListener("geo:picked", function (event) {
    picked = event.detail;
    add.disabled = false;
    exclude.disabled = false;
  });

  function append(prefix) {
    if (!picked) return;
    var line = prefix + picked.geoUnitKind + " " + picked.geoUnitCode + " — " + picked.geoUnitName;
    var text = units.value.replace(/\s+$/, "");
    units.value = text ? text + "\n" + line : line;
    picked = null;
    add.disabled = true;
    exclude.disabled = true;
    picker.querySelector("input[type=search]").value = "";
    units.focus();
  }

  add.addEventListener("click", function () { append(""); });
  exclude.addEventListener("click", function () { append("sauf "); });
})();

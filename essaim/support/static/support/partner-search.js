// Partners of a support action: shows the search box of each [data-partner-search] fieldset
// and narrows its checkboxes to the organisations whose name holds every word typed (accents
// and case ignored); ticked organisations always stay. Without this script, the plain list of
// checkboxes works as is.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function wire(fieldset) {
    var box = fieldset.querySelector("[data-partner-search-box]");
    var input = box && box.querySelector("input[type=search]");
    var count = fieldset.querySelector("[data-partner-search-count]");
    var options = Array.prototype.slice.call(fieldset.querySelectorAll("[data-partner-option]"));
    if (!input) return;
    box.hidden = false;
    function update() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (option) {
        var checkbox = option.querySelector("input");
        var name = fold(option.textContent);
        var match = words.every(function (w) { return name.indexOf(w) !== -1; });
        option.hidden = !(match || (checkbox && checkbox.checked));
        if (!option.hidden) shown += 1;
      });
      if (!count) return;
      if (!words.length) { count.textContent = ""; return; }
      count.textContent = shown === 0 ? count.dataset.none
        : shown === 1 ? count.dataset.one : count.dataset.many.replace("{n}", shown);
    }
    input.addEventListener("input", update);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  // searching never submits the form
    });
  }
  document.querySelectorAll("[data-partner-search]").forEach(wire);
})();

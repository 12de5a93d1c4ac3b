/* Conditional display of the application form engine: a wrapper with data-show-if='{"field":
   name, "equals"|"in"|"filled": ...}' is shown only when the named field's value matches. The
   server applies the same rule (essaim.calls.formengine.condition_holds). */
(function () {
  "use strict";
  function valuesOf(form, name) {
    var values = [];
    form.querySelectorAll('[name="' + CSS.escape(name) + '"]').forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) values.push(el.value);
      } else if (el.value !== "") {
        values.push(el.value);
      }
    });
    return values.map(function (v) {
      return v === "oui" ? true : v === "non" ? false : v;
    });
  }
  function holds(rule, values) {
    if ("filled" in rule) return (values.length > 0) === Boolean(rule.filled);
    var wanted = "in" in rule ? rule["in"] : [rule.equals];
    return values.some(function (v) {
      return wanted.some(function (w) { return String(w) === String(v); });
    });
  }
  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (el) {
      var rule = JSON.parse(el.dataset.showIf);
      el.hidden = !holds(rule, valuesOf(form, rule.field));
    });
  }
  function init() {
    document.querySelectorAll("[data-engine]").forEach(function (form) {
      update(form);
      if (form.dataset.engineReady) return;
      form.dataset.engineReady = "1";
      form.addEventListener("input", function () { update(form); });
      form.addEventListener("change", function () { update(form); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  document.addEventListener("htmx:afterSettle", init);
})();

/* The visual editor of an application form (calls:form_edit).
 *
 * Progressive enhancement: the form's JSON stays in its textarea (« Édition avancée (JSON) »),
 * which is what the server receives and validates (formschema.py is the authority). This editor
 * only reads that JSON, shows it as sections and questions, and writes it back after every
 * change. Everything is a button or a form control: moving is done with « Monter » / « Descendre »
 * (keyboard operable), never by dragging only. No dependency, no build step.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-formbuilder]");
  if (!root) return;
  var form = root.closest("form");
  var textarea = form.querySelector("textarea[name=schema]");
  var advanced = form.querySelector("[data-advanced]");
  var settingsNode = document.getElementById("formbuilder-settings");
  var settings = settingsNode ? JSON.parse(settingsNode.textContent) : { kinds: [], unit_kinds: [] };
  var KIND_LABELS = {};
  settings.kinds.forEach(function (k) { KIND_LABELS[k.value] = k.label; });

  var COMMON = ["key", "kind", "label", "help", "required", "show_if"];
  // Options of each kind: [name, label, type] (type: int, num, text, date, list).
  var OPTIONS = {
    short_text: [["min_length", t("Longueur minimale (caractères)"), "int"], ["max_length", t("Longueur maximale (caractères)"), "int"], ["placeholder", t("Exemple de réponse"), "text"]],
    long_text: [["min_length", t("Longueur minimale (caractères)"), "int"], ["max_length", t("Longueur maximale (caractères)"), "int"], ["placeholder", t("Exemple de réponse"), "text"]],
    number: [["min", t("Minimum"), "num"], ["max", t("Maximum"), "num"], ["unit", t("Unité (par exemple €)"), "text"], ["decimals", t("Décimales (0 : nombre entier)"), "int"]],
    date: [["min", t("Date au plus tôt"), "date"], ["max", t("Date au plus tard"), "date"]],
    choice: [],
    multiple_choice: [["min_count", t("Nombre minimal de choix"), "int"], ["max_count", t("Nombre maximal de choix"), "int"]],
    yes_no: [], email: [], url: [], organisation: [],
    file: [["accept", t("Extensions acceptées (séparées par des virgules, par exemple pdf, docx)"), "list"], ["max_size_mb", t("Taille maximale (Mo)"), "num"]],
    territory: [],
    repeat: [["item_label", t("Nom d'un bloc (par exemple « Défi »)"), "text"], ["min_count", t("Nombre minimal de blocs"), "int"], ["max_count", t("Nombre maximal de blocs"), "int"]]
  };
  var EXTRA = { choice: ["choices"], multiple_choice: ["choices"], territory: ["unit_kinds"], repeat: ["fields"] };
  var UNIT_LABELS = { commune: t("Commune"), epci: t("Intercommunalité (EPCI)"), departement: t("Département"), region: t("Région") };

  // The editor's words, translated by the server (calls/editor_strings.py); French by default.
  function t(text, values) {
    var out = (settings.t && settings.t[text]) || text;
    Object.keys(values || {}).forEach(function (k) { out = out.split("%(" + k + ")s").join(String(values[k])); });
    return out;
  }

  var schema = null;
  var auto = new WeakSet(); // items whose identifier follows the label (new ones)
  var status;

  // -- helpers -------------------------------------------------------------------------------

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") el.textContent = value;
      else if (name.slice(0, 2) === "on") el.addEventListener(name.slice(2), value);
      else if (name === "value") el.value = value;
      else if (name === "checked") el.checked = !!value;
      else el.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return el;
  }

  function slug(text) {
    var base = (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40);
    if (!base) base = "question";
    if (!/^[a-z]/.test(base)) base = "q_" + base;
    return base;
  }

  function allKeys(except) {
    var keys = [];
    schema.sections.forEach(function (s) {
      (s.fields || []).forEach(function (f) {
        if (f !== except) keys.push(f.key);
        (f.kind === "repeat" ? f.fields || [] : []).forEach(function (sub) { if (sub !== except) keys.push(sub.key); });
      });
    });
    return keys;
  }

  function uniqueKey(text, taken) {
    var base = slug(text), key = base, n = 2;
    while (taken.indexOf(key) !== -1) { key = base.slice(0, 45) + "_" + n; n += 1; }
    return key;
  }

  function say(message) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function relabel(id, name) {
    ["-up", "-down", "-remove"].forEach(function (suffix) {
      var el = document.getElementById(id + suffix);
      if (el && el.dataset.what) el.setAttribute("aria-label", el.textContent + " " + t(el.dataset.what, { name: name }));
    });
  }

  function write() {
    textarea.value = JSON.stringify(schema, null, 2);
    form.dispatchEvent(new CustomEvent("essaim:schema", { bubbles: true }));
  }

  function label(item, fallback) {
    return (item && (item.label || item.title)) || fallback;
  }

  function field(id, text, control, hint) {
    return h("div", { class: "fr-input-group" }, [
      h("label", { class: "fr-label", for: id }, [text, hint ? h("span", { class: "fr-hint-text", text: hint }) : null]),
      control
    ]);
  }

  function input(id, value, oninput, extra) {
    var attrs = { class: "fr-input", id: id, type: "text", value: value === undefined ? "" : String(value), oninput: oninput };
    Object.keys(extra || {}).forEach(function (k) { attrs[k] = extra[k]; });
    return h("input", attrs);
  }

  function button(text, icon, onclick, extra) {
    var attrs = { type: "button", class: "fr-btn fr-btn--sm fr-btn--tertiary fr-btn--icon-left " + icon, onclick: onclick };
    Object.keys(extra || {}).forEach(function (k) { attrs[k] = extra[k]; });
    return h("button", attrs, [text]);
  }

  // -- model changes ---------------------------------------------------------------------------

  function newField(kind, siblings) {
    var f = { key: "", kind: kind, label: "" };
    f.key = uniqueKey("question", allKeys().concat(siblings.map(function (x) { return x.key; })));
    setKind(f, kind);
    if (kind === "repeat") f.item_label = "Bloc";
    auto.add(f);
    return f;
  }

  function setKind(f, kind) {
    var allowed = COMMON.concat((OPTIONS[kind] || []).map(function (o) { return o[0]; }), EXTRA[kind] || []);
    Object.keys(f).forEach(function (k) { if (allowed.indexOf(k) === -1) delete f[k]; });
    f.kind = kind;
    // New options and block questions follow their label (their value / identifier) until set.
    if ((kind === "choice" || kind === "multiple_choice") && !Array.isArray(f.choices)) {
      f.choices = [{ value: "option_1", label: "Option 1" }];
      auto.add(f.choices[0]);
    }
    if (kind === "repeat" && !Array.isArray(f.fields)) {
      f.fields = [{ key: "titre", kind: "short_text", label: "Titre" }];
      auto.add(f.fields[0]);
    }
  }

  function move(list, index, delta) {
    var target = index + delta;
    if (target < 0 || target >= list.length) return false;
    var item = list.splice(index, 1)[0];
    list.splice(target, 0, item);
    return true;
  }

  function renameKey(siblings, oldKey, newKey) {
    siblings.forEach(function (f) {
      if (f.show_if && f.show_if.field === oldKey) f.show_if.field = newKey;
    });
  }

  function parseOption(type, raw) {
    var text = raw.trim();
    if (text === "") return undefined;
    if (type === "int") return /^\d+$/.test(text) ? parseInt(text, 10) : text;
    if (type === "num") { var n = Number(text.replace(",", ".")); return isFinite(n) ? n : text; }
    if (type === "list") return text.split(/[\s,;]+/).filter(Boolean).map(function (s) { return s.replace(/^\./, "").toLowerCase(); });
    return raw;
  }

  // -- rendering -------------------------------------------------------------------------------

  function render(focusId) {
    var active = focusId || (document.activeElement && root.contains(document.activeElement) ? document.activeElement.id : null);
    root.textContent = "";
    root.appendChild(h("p", { class: "fr-text--sm" }, [
      t("Ajoutez, modifiez, déplacez ou supprimez les sections et les questions ; l'aperçu se met à jour. Rien n'est enregistré avant « Enregistrer le brouillon ».")
    ]));
    schema.sections.forEach(function (section, index) { root.appendChild(renderSection(section, index)); });
    root.appendChild(h("div", { class: "fr-mb-3w" }, [
      h("button", {
        type: "button", class: "fr-btn fr-btn--secondary fr-btn--icon-left fr-icon-add-line", id: "fb-add-section",
        onclick: function () {
          var s = { key: uniqueKey("section", schema.sections.map(function (x) { return x.key; })), title: "", fields: [] };
          auto.add(s);
          schema.sections.push(s);
          write();
          render("fb-s" + (schema.sections.length - 1) + "-title");
          say(t("Section ajoutée en position %(n)s.", { n: schema.sections.length }));
        }
      }, [t("Ajouter une section")])
    ]));
    root.appendChild(status);
    if (active) {
      var el = document.getElementById(active);
      // A move to the first (last) place disables the button pressed: focus the other one.
      if (el && el.disabled) el = document.getElementById(active.replace(/-(up|down)$/, function (m) { return m === "-up" ? "-down" : "-up"; })) || el;
      if (el) el.focus();
    }
  }

  function renderSection(section, index) {
    var id = "fb-s" + index;
    var name = label(section, t("Section %(n)s", { n: index + 1 }));
    var heading = h("h3", { class: "fr-h6 fr-mb-2w", id: id + "-heading" }, [t("Section %(n)s : %(name)s", { n: index + 1, name: name })]);
    var fields = Array.isArray(section.fields) ? section.fields : (section.fields = []);
    var body = h("div", { class: "essaim-fb-section fr-p-2w fr-mb-3w", role: "group", "aria-labelledby": id + "-heading", id: id }, [
      heading,
      h("div", { class: "fr-grid-row fr-grid-row--gutters" }, [
        h("div", { class: "fr-col-12 fr-col-md-8" }, [field(id + "-title", t("Titre de la section"), input(id + "-title", section.title, function (e) {
          section.title = e.target.value;
          heading.textContent = t("Section %(n)s : %(name)s", { n: index + 1, name: label(section, "") });
          relabel(id, label(section, t("Section %(n)s", { n: index + 1 })));
          if (auto.has(section)) {
            section.key = uniqueKey(e.target.value || "section", schema.sections.filter(function (s) { return s !== section; }).map(function (s) { return s.key; }));
            document.getElementById(id + "-key").value = section.key;
          }
          write();
        }))]),
        h("div", { class: "fr-col-12 fr-col-md-4" }, [field(id + "-key", t("Identifiant"), input(id + "-key", section.key, function (e) {
          auto.delete(section); section.key = e.target.value.trim(); write();
        }, { spellcheck: "false" }), t("a-z, 0-9, _"))])
      ]),
      field(id + "-help", t("Aide de la section (facultative)"), h("textarea", { class: "fr-input", id: id + "-help", rows: "2", value: section.help || "", oninput: function (e) {
        if (e.target.value) section.help = e.target.value; else delete section.help; write();
      } })),
      toolbar(schema.sections, index, t("la section « %(name)s »", { name: name }), id, function (delta) {
        say(t("Section « %(name)s » déplacée en position %(n)s.", { name: name, n: index + delta + 1 }));
      }, t("Section « %(name)s » supprimée.", { name: name }))
    ]);
    var list = h("ol", { class: "essaim-fb-fields" });
    fields.forEach(function (f, j) { list.appendChild(renderField(f, j, fields, id + "-f" + j, false, index)); });
    body.appendChild(list);
    body.appendChild(addQuestion(fields, id, false, name));
    return body;
  }

  function toolbar(list, index, what, id, announce, removed) {
    return h("ul", { class: "essaim-fb-tools" }, [
      h("li", {}, [button(t("Monter"), "fr-icon-arrow-up-line", function () {
        if (move(list, index, -1)) { write(); announce(-1); render(id.replace(/(\d+)$/, String(index - 1)) + "-up"); }
      }, { id: id + "-up", disabled: index === 0, "data-what": "la section « %(name)s »", "aria-label": t("Monter") + " " + what })]),
      h("li", {}, [button(t("Descendre"), "fr-icon-arrow-down-line", function () {
        if (move(list, index, 1)) { write(); announce(1); render(id.replace(/(\d+)$/, String(index + 1)) + "-down"); }
      }, { id: id + "-down", disabled: index === list.length - 1, "data-what": "la section « %(name)s »", "aria-label": t("Descendre") + " " + what })]),
      h("li", {}, [button(t("Supprimer"), "fr-icon-delete-line", function () {
        list.splice(index, 1); write();
        render(list.length ? "fb-s" + Math.min(index, list.length - 1) + "-title" : "fb-add-section");
        say(removed);
      }, { id: id + "-remove", "data-what": "la section « %(name)s »", "aria-label": t("Supprimer") + " " + what })])
    ]);
  }

  function addQuestion(fields, id, nested, owner) {
    var selectId = id + "-newkind";
    var select = h("select", { class: "fr-select", id: selectId }, settings.kinds.filter(function (k) {
      return !(nested && k.value === "repeat");
    }).map(function (k) { return h("option", { value: k.value, text: k.label }); }));
    return h("div", { class: "essaim-fb-add fr-mt-2w" }, [
      h("div", { class: "fr-input-group" }, [h("label", { class: "fr-label", for: selectId, text: t("Type de la nouvelle question") }), select]),
      h("button", { type: "button", class: "fr-btn fr-btn--sm fr-btn--secondary fr-btn--icon-left fr-icon-add-line", id: id + "-addfield",
        onclick: function () {
          fields.push(newField(select.value, fields));
          write();
          render(id + "-f" + (fields.length - 1) + "-label");
          say(t("Question ajoutée à « %(name)s ».", { name: owner }));
        } }, [nested ? t("Ajouter une question au bloc") : t("Ajouter une question à la section")])
    ]);
  }

  function renderField(f, j, siblings, id, nested, sectionIndex) {
    var name = label(f, t("Question %(n)s", { n: j + 1 }));
    var heading = h("p", { class: "fr-text--bold fr-mb-1w", id: id + "-heading" }, [headingText(f, j)]);
    var kindSelect = h("select", { class: "fr-select", id: id + "-kind", onchange: function (e) {
      setKind(f, e.target.value); write(); render(id + "-kind");
    } }, settings.kinds.filter(function (k) { return !(nested && k.value === "repeat"); }).map(function (k) {
      return h("option", { value: k.value, text: k.label, selected: k.value === f.kind });
    }));
    var item = h("div", { class: "essaim-fb-field fr-p-2w fr-mb-2w", id: id, role: "group", "aria-labelledby": id + "-heading" }, [
      heading,
      h("div", { class: "fr-grid-row fr-grid-row--gutters" }, [
        h("div", { class: "fr-col-12 fr-col-md-8" }, [field(id + "-label", t("Libellé de la question"), input(id + "-label", f.label, function (e) {
          f.label = e.target.value;
          heading.textContent = headingText(f, j);
          relabel(id, label(f, t("Question %(n)s", { n: j + 1 })));
          if (auto.has(f)) {
            var old = f.key;
            var taken = nested ? siblings.filter(function (s) { return s !== f; }).map(function (s) { return s.key; }) : allKeys(f);
            f.key = uniqueKey(e.target.value || "question", taken);
            renameKey(siblings, old, f.key);
            document.getElementById(id + "-key").value = f.key;
          }
          write();
        }))]),
        h("div", { class: "fr-col-12 fr-col-md-4" }, [field(id + "-kind", t("Type"), kindSelect)])
      ]),
      h("div", { class: "fr-grid-row fr-grid-row--gutters" }, [
        h("div", { class: "fr-col-12 fr-col-md-8" }, [field(id + "-help", t("Aide (facultative)"), input(id + "-help", f.help, function (e) {
          if (e.target.value) f.help = e.target.value; else delete f.help; write();
        }))]),
        h("div", { class: "fr-col-12 fr-col-md-4" }, [field(id + "-key", t("Identifiant"), input(id + "-key", f.key, function (e) {
          var old = f.key;
          auto.delete(f); f.key = e.target.value.trim(); renameKey(siblings, old, f.key); write();
        }, { spellcheck: "false" }), t("ne le changez plus une fois publié"))])
      ]),
      h("div", { class: "fr-checkbox-group fr-mb-2w" }, [
        h("input", { type: "checkbox", id: id + "-required", checked: !!f.required, onchange: function (e) {
          if (e.target.checked) f.required = true; else delete f.required; heading.textContent = headingText(f, j); write();
        } }),
        h("label", { class: "fr-label", for: id + "-required", text: t("Réponse obligatoire") })
      ])
    ]);
    var options = (OPTIONS[f.kind] || []).map(function (o) { return optionInput(f, o, id); });
    if (options.length) item.appendChild(h("div", { class: "fr-grid-row fr-grid-row--gutters" }, options.map(function (el) {
      return h("div", { class: "fr-col-12 fr-col-md-6" }, [el]);
    })));
    if (f.kind === "choice" || f.kind === "multiple_choice") item.appendChild(renderChoices(f, id));
    if (f.kind === "territory") item.appendChild(renderUnits(f, id));
    item.appendChild(renderCondition(f, j, siblings, id));
    if (f.kind === "repeat") {
      var subs = Array.isArray(f.fields) ? f.fields : (f.fields = []);
      var block = h("div", { class: "essaim-fb-block fr-p-2w fr-mb-2w" }, [h("p", { class: "fr-text--bold fr-mb-1w", text: t("Questions de chaque bloc « %(name)s »", { name: f.item_label || name }) })]);
      var list = h("ol", { class: "essaim-fb-fields" });
      subs.forEach(function (sub, k) { list.appendChild(renderField(sub, k, subs, id + "-f" + k, true, sectionIndex)); });
      block.appendChild(list);
      block.appendChild(addQuestion(subs, id, true, f.item_label || name));
      item.appendChild(block);
    }
    item.appendChild(fieldToolbar(f, j, siblings, id, nested, sectionIndex, name));
    return h("li", {}, [item]);
  }

  function headingText(f, j) {
    return t(f.required ? "Question %(n)s · %(kind)s : %(label)s (obligatoire)" : "Question %(n)s · %(kind)s : %(label)s", { n: j + 1, kind: KIND_LABELS[f.kind] || f.kind, label: f.label || t("(sans libellé)") });
  }

  function fieldToolbar(f, j, siblings, id, nested, sectionIndex, name) {
    var what = t("la question « %(name)s »", { name: name });
    var sections = schema.sections;
    var first = j === 0, last = j === siblings.length - 1;
    // At the top (bottom) of a section, « Monter » (« Descendre ») moves the question into the
    // previous (next) section: every move is possible with the keyboard.
    var canUp = !first || (!nested && sectionIndex > 0);
    var canDown = !last || (!nested && sectionIndex < sections.length - 1);
    var upText = first && !nested ? t("Monter dans la section précédente") : t("Monter");
    var downText = last && !nested ? t("Descendre dans la section suivante") : t("Descendre");
    var base = id.replace(/-f\d+$/, "");
    return h("ul", { class: "essaim-fb-tools" }, [
      h("li", {}, [button(upText, "fr-icon-arrow-up-line", function () {
        var target;
        if (!first) { move(siblings, j, -1); target = base + "-f" + (j - 1); }
        else {
          siblings.splice(j, 1);
          var prev = sections[sectionIndex - 1].fields;
          prev.push(f);
          target = "fb-s" + (sectionIndex - 1) + "-f" + (prev.length - 1);
        }
        write(); render(target + "-up"); say(t("Question « %(name)s » déplacée.", { name: name }));
      }, { id: id + "-up", disabled: !canUp, "data-what": "la question « %(name)s »", "aria-label": upText + " " + what })]),
      h("li", {}, [button(downText, "fr-icon-arrow-down-line", function () {
        var target;
        if (!last) { move(siblings, j, 1); target = base + "-f" + (j + 1); }
        else {
          siblings.splice(j, 1);
          sections[sectionIndex + 1].fields.unshift(f);
          target = "fb-s" + (sectionIndex + 1) + "-f0";
        }
        write(); render(target + "-down"); say(t("Question « %(name)s » déplacée.", { name: name }));
      }, { id: id + "-down", disabled: !canDown, "data-what": "la question « %(name)s »", "aria-label": downText + " " + what })]),
      h("li", {}, [button(t("Supprimer"), "fr-icon-delete-line", function () {
        siblings.splice(j, 1); write();
        var next = siblings.length ? base + "-f" + Math.min(j, siblings.length - 1) + "-label" : base + "-addfield";
        render(next); say(t("Question « %(name)s » supprimée.", { name: name }));
      }, { id: id + "-remove", "data-what": "la question « %(name)s »", "aria-label": t("Supprimer") + " " + what })])
    ]);
  }

  function optionInput(f, option, id) {
    var name = option[0], text = option[1], type = option[2];
    var value = f[name];
    if (Array.isArray(value)) value = value.join(", ");
    var extra = { inputmode: type === "int" || type === "num" ? "decimal" : null };
    if (type === "date") extra.type = "date";
    return field(id + "-" + name, text, input(id + "-" + name, value, function (e) {
      var parsed = parseOption(type, e.target.value);
      if (parsed === undefined) delete f[name]; else f[name] = parsed;
      write();
    }, extra));
  }

  function renderChoices(f, id) {
    var choices = f.choices;
    var box = h("fieldset", { class: "fr-fieldset essaim-fb-choices", id: id + "-choices" }, [
      h("legend", { class: "fr-fieldset__legend fr-text--md", text: t("Options proposées") })
    ]);
    choices.forEach(function (c, k) {
      var cid = id + "-c" + k;
      var cname = c.label || c.value || t("Option %(n)s", { n: k + 1 });
      box.appendChild(h("div", { class: "fr-fieldset__element essaim-fb-choice" }, [
        h("div", { class: "fr-grid-row fr-grid-row--gutters" }, [
          h("div", { class: "fr-col-12 fr-col-md-6" }, [field(cid + "-label", t("Libellé de l'option %(n)s", { n: k + 1 }), input(cid + "-label", c.label, function (e) {
            c.label = e.target.value;
            if (auto.has(c)) {
              c.value = uniqueKey(e.target.value || "option", choices.filter(function (x) { return x !== c; }).map(function (x) { return x.value; }));
              document.getElementById(cid + "-value").value = c.value;
            }
            write();
          }))]),
          h("div", { class: "fr-col-12 fr-col-md-6" }, [field(cid + "-value", t("Valeur enregistrée"), input(cid + "-value", c.value, function (e) {
            auto.delete(c); c.value = e.target.value.trim(); write();
          }, { spellcheck: "false" }))])
        ]),
        h("ul", { class: "essaim-fb-tools" }, [
          h("li", {}, [button(t("Monter"), "fr-icon-arrow-up-line", function () { move(choices, k, -1); write(); render(id + "-c" + (k - 1) + "-up"); }, { id: cid + "-up", disabled: k === 0, "aria-label": t("Monter", {}) + " " + t("l'option « %(name)s »", { name: cname }) })]),
          h("li", {}, [button(t("Descendre"), "fr-icon-arrow-down-line", function () { move(choices, k, 1); write(); render(id + "-c" + (k + 1) + "-down"); }, { id: cid + "-down", disabled: k === choices.length - 1, "aria-label": t("Descendre", {}) + " " + t("l'option « %(name)s »", { name: cname }) })]),
          h("li", {}, [button(t("Retirer"), "fr-icon-delete-line", function () { choices.splice(k, 1); write(); render(id + "-addchoice"); say(t("Option « %(name)s » retirée.", { name: cname })); }, { id: cid + "-remove", "aria-label": t("Retirer", {}) + " " + t("l'option « %(name)s »", { name: cname }) })])
        ])
      ]));
    });
    box.appendChild(h("div", { class: "fr-fieldset__element" }, [button(t("Ajouter une option"), "fr-icon-add-line", function () {
      var c = { value: uniqueKey("option", choices.map(function (x) { return x.value; })), label: "" };
      auto.add(c); choices.push(c); write(); render(id + "-c" + (choices.length - 1) + "-label");
    }, { id: id + "-addchoice", class: "fr-btn fr-btn--sm fr-btn--secondary fr-btn--icon-left fr-icon-add-line" })]));
    return box;
  }

  function renderUnits(f, id) {
    var chosen = Array.isArray(f.unit_kinds) ? f.unit_kinds : [];
    return h("fieldset", { class: "fr-fieldset", id: id + "-units" }, [
      h("legend", { class: "fr-fieldset__legend fr-text--md", text: t("Types de territoire acceptés (aucun coché : tous)") })
    ].concat(settings.unit_kinds.map(function (kind) {
      var uid = id + "-unit-" + kind;
      return h("div", { class: "fr-fieldset__element fr-fieldset__element--inline" }, [h("div", { class: "fr-checkbox-group" }, [
        h("input", { type: "checkbox", id: uid, checked: chosen.indexOf(kind) !== -1, onchange: function () {
          var next = settings.unit_kinds.filter(function (k) { return k === kind ? document.getElementById(uid).checked : chosen.indexOf(k) !== -1; });
          if (next.length) f.unit_kinds = next; else delete f.unit_kinds;
          write(); render(uid);
        } }),
        h("label", { class: "fr-label", for: uid, text: UNIT_LABELS[kind] || kind })
      ])]);
    })));
  }

  function renderCondition(f, j, siblings, id) {
    var earlier = siblings.slice(0, j).filter(function (s) { return s.kind !== "repeat" && s.kind !== "file" && s.key; });
    var rule = f.show_if || null;
    var mode = !rule ? "" : ("filled" in rule ? "filled" : ("in" in rule ? "in" : "equals"));
    var box = h("fieldset", { class: "fr-fieldset essaim-fb-condition", id: id + "-condition" }, [
      h("legend", { class: "fr-fieldset__legend fr-text--md", text: t("Affichage de la question") })
    ]);
    if (!earlier.length && !rule) {
      box.appendChild(h("p", { class: "fr-text--sm fr-fieldset__element", text: t("Toujours affichée (aucune question avant elle ne peut la conditionner).") }));
      return box;
    }
    var modeSelect = h("select", { class: "fr-select", id: id + "-cond-mode", onchange: function (e) {
      var m = e.target.value;
      if (!m) delete f.show_if;
      else {
        var target = (rule && rule.field) || earlier[0].key;
        var spec = siblings.filter(function (s) { return s.key === target; })[0];
        var first = spec && spec.choices && spec.choices[0] ? spec.choices[0].value : (spec && spec.kind === "yes_no" ? true : "");
        f.show_if = m === "filled" ? { field: target, filled: true } : m === "in" ? { field: target, in: first === "" ? [] : [first] } : { field: target, equals: first };
      }
      write(); render(id + "-cond-mode");
    } }, [["", t("Toujours")], ["equals", t("Si une réponse vaut…")], ["in", t("Si une réponse vaut l'une des valeurs…")], ["filled", t("Si une réponse est remplie")]].map(function (o) {
      return h("option", { value: o[0], text: o[1], selected: o[0] === mode });
    }));
    box.appendChild(h("div", { class: "fr-fieldset__element" }, [field(id + "-cond-mode", t("Afficher"), modeSelect)]));
    if (!rule) return box;
    var target = siblings.filter(function (s) { return s.key === rule.field; })[0];
    var targetSelect = h("select", { class: "fr-select", id: id + "-cond-field", onchange: function (e) {
      var spec = siblings.filter(function (s) { return s.key === e.target.value; })[0];
      f.show_if = { field: e.target.value };
      if (mode === "filled") f.show_if.filled = true;
      else if (mode === "in") f.show_if.in = [];
      else f.show_if.equals = spec && spec.choices && spec.choices[0] ? spec.choices[0].value : (spec && spec.kind === "yes_no" ? true : "");
      write(); render(id + "-cond-field");
    } }, earlier.map(function (s) { return h("option", { value: s.key, text: label(s, s.key), selected: s.key === rule.field }); }));
    box.appendChild(h("div", { class: "fr-fieldset__element" }, [field(id + "-cond-field", t("Selon la question"), targetSelect)]));
    if (mode === "equals") box.appendChild(h("div", { class: "fr-fieldset__element" }, [equalsControl(f, target, id)]));
    if (mode === "in") box.appendChild(h("div", { class: "fr-fieldset__element" }, [inControl(f, target, id)]));
    return box;
  }

  function equalsControl(f, target, id) {
    var cid = id + "-cond-value";
    if (target && (target.choices || target.kind === "yes_no")) {
      var opts = target.kind === "yes_no" ? [[true, t("Oui")], [false, t("Non")]] : target.choices.map(function (c) { return [c.value, c.label || c.value]; });
      return field(cid, t("Vaut"), h("select", { class: "fr-select", id: cid, onchange: function (e) {
        f.show_if.equals = target.kind === "yes_no" ? e.target.value === "true" : e.target.value; write();
      } }, opts.map(function (o) { return h("option", { value: String(o[0]), text: o[1], selected: o[0] === f.show_if.equals }); })));
    }
    return field(cid, t("Vaut"), input(cid, f.show_if.equals, function (e) { f.show_if.equals = e.target.value; write(); }));
  }

  function inControl(f, target, id) {
    var values = Array.isArray(f.show_if.in) ? f.show_if.in : (f.show_if.in = []);
    if (target && target.choices) {
      return h("fieldset", { class: "fr-fieldset" }, [h("legend", { class: "fr-fieldset__legend fr-text--sm", text: t("Vaut l'une des valeurs") })].concat(target.choices.map(function (c, k) {
        var cid = id + "-cond-in-" + k;
        return h("div", { class: "fr-fieldset__element fr-fieldset__element--inline" }, [h("div", { class: "fr-checkbox-group" }, [
          h("input", { type: "checkbox", id: cid, checked: values.indexOf(c.value) !== -1, onchange: function (e) {
            var at = values.indexOf(c.value);
            if (e.target.checked && at === -1) values.push(c.value);
            if (!e.target.checked && at !== -1) values.splice(at, 1);
            write();
          } }),
          h("label", { class: "fr-label", for: cid, text: c.label || c.value })
        ])]);
      })));
    }
    var cid2 = id + "-cond-in";
    return field(cid2, t("Vaut l'une des valeurs (séparées par des virgules)"), input(cid2, values.join(", "), function (e) {
      f.show_if.in = e.target.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean); write();
    }));
  }

  // -- start -------------------------------------------------------------------------------

  function load() {
    try {
      var parsed = JSON.parse(textarea.value || "{}");
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        if (!Array.isArray(parsed.sections)) parsed.sections = [];
        parsed.sections = parsed.sections.filter(function (s) { return s && typeof s === "object"; });
        return parsed;
      }
    } catch (e) { /* shown below */ }
    return null;
  }

  status = h("p", { class: "fr-sr-only", role: "status", "aria-live": "polite", id: "fb-status" });
  schema = load();
  root.hidden = false;
  if (schema) {
    if (advanced) advanced.open = false;
    render();
  } else {
    root.appendChild(h("div", { class: "fr-alert fr-alert--warning fr-alert--sm fr-mb-2w" }, [
      h("p", { text: t("Le JSON de l'édition avancée n'est pas lisible : corrigez-le, l'éditeur visuel le reprendra.") })
    ]));
  }
  textarea.addEventListener("input", function () {
    var parsed = load();
    if (parsed) { schema = parsed; render(); }
  });
})();

// The owner's form builder: sections and fields edited in place, saved through the API as
// one schema (a new version once extraction has started).
(function () {
  "use strict";
  const node = document.getElementById("builder-config");
  if (!node) return;
  const config = JSON.parse(node.textContent);
  const root = document.getElementById("form-builder");
  const csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  const t = config.text;
  let schema = config.schema && config.schema.sections ? config.schema : {sections: []};

  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "checked" || k === "value") e[k] = v;
      else e.setAttribute(k, v);
    });
    children.flat().forEach((c) => e.append(c));
    return e;
  };
  const slug = (text) => text.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "").replace(/^(\d)/, "f_$1").slice(0, 50) || "field";
  const choicesText = (choices) => (choices || []).map((c) => (Array.isArray(c) ? `${c[0]} = ${c[1]}` : c)).join("\n");
  const parseChoices = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean)
    .map((l) => { const [v, ...rest] = l.split("="); return [v.trim(), (rest.join("=") || v).trim()]; });
  const columnsText = (cols) => (cols || []).map((c) => `${c.key} | ${c.label} | ${c.type}`).join("\n");
  const parseColumns = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const [key, label, type] = l.split("|").map((p) => (p || "").trim());
    return {key: slug(key), label: label || key, type: type || "text"};
  });

  function move(list, i, d) {
    const j = i + d;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j], list[i]];
    render();
  }

  function fieldRow(section, field, i) {
    const set = (k) => (e) => { field[k] = e.target.type === "checkbox" ? e.target.checked : e.target.value; };
    const type = el("select", {"aria-label": t.type, onchange: (e) => { field.type = e.target.value; render(); }},
      config.types.map((ty) => el("option", {value: ty, ...(ty === field.type ? {selected: ""} : {})}, ty)));
    const extra = [];
    if (field.type === "choice" || field.type === "multi_choice") {
      extra.push(el("textarea", {rows: 3, placeholder: t.choices, "aria-label": t.choices, class: "choices",
        onchange: (e) => { field.choices = parseChoices(e.target.value); }, value: choicesText(field.choices)}));
    }
    if (field.type === "table") {
      extra.push(el("textarea", {rows: 3, placeholder: t.columns, "aria-label": t.columns, class: "columns",
        onchange: (e) => { field.columns = parseColumns(e.target.value); }, value: columnsText(field.columns)}));
    }
    return el("div", {class: "builder-field"},
      el("input", {value: field.label || "", placeholder: t.label, "aria-label": t.label, class: "label",
        onchange: (e) => { field.label = e.target.value; if (!field.key) { field.key = slug(e.target.value); render(); } }}),
      el("input", {value: field.key || "", placeholder: "key", "aria-label": "key", size: 12, class: "key",
        onchange: (e) => { field.key = slug(e.target.value); }}),
      type,
      el("input", {value: field.unit || "", placeholder: t.unit, "aria-label": t.unit, size: 8, onchange: set("unit")}),
      el("label", {}, el("input", {type: "checkbox", checked: !!field.required, onchange: set("required")}), " ", t.required),
      el("input", {value: field.help || "", placeholder: t.help, "aria-label": t.help, class: "help", onchange: set("help")}),
      ...extra,
      el("span", {class: "builder-tools"},
        el("button", {type: "button", class: "linklike", title: t.up, onclick: () => move(section.fields, i, -1)}, "↑"),
        el("button", {type: "button", class: "linklike", title: t.down, onclick: () => move(section.fields, i, 1)}, "↓"),
        el("button", {type: "button", class: "linklike", title: t.remove, onclick: () => { section.fields.splice(i, 1); render(); }}, "✕")));
  }

  function render() {
    root.innerHTML = "";
    schema.sections.forEach((section, si) => {
      section.fields = section.fields || [];
      root.append(el("fieldset", {class: "card builder-section"},
        el("legend", {},
          el("input", {value: section.title || "", "aria-label": t.section, class: "section-title",
            onchange: (e) => { section.title = e.target.value; if (!section.key) section.key = slug(e.target.value); }}),
          el("button", {type: "button", class: "linklike", onclick: () => move(schema.sections, si, -1)}, "↑"),
          el("button", {type: "button", class: "linklike", onclick: () => move(schema.sections, si, 1)}, "↓"),
          el("button", {type: "button", class: "linklike", onclick: () => { schema.sections.splice(si, 1); render(); }}, "✕")),
        section.fields.map((f, i) => fieldRow(section, f, i)),
        el("button", {type: "button", class: "add-field", onclick: () => {
          section.fields.push({key: "", label: "", type: "text"}); render();
        }}, t.addField)));
    });
  }

  document.getElementById("add-section").addEventListener("click", () => {
    const n = schema.sections.length + 1;
    schema.sections.push({key: `section_${n}`, title: `${t.section} ${n}`, fields: []});
    render();
  });
  document.getElementById("save-form").addEventListener("click", () => {
    const status = document.getElementById("builder-status");
    status.textContent = "…";
    fetch(config.api, {method: "PUT", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify({schema})})
      .then((r) => r.json().then((d) => ({ok: r.ok, d})))
      .then(({ok, d}) => {
        if (ok) { window.location.reload(); return; }
        status.textContent = Object.values(d).flat().join("; ");
      });
  });
  render();
})();

// The study form and outcome grid: fill from the API payload, save drafts, submit, paste
// blocks of cells from a spreadsheet, and show the converted values the server returns.
(function () {
  "use strict";
  const configNode = document.getElementById("extraction-config");
  if (!configNode) return;
  const config = JSON.parse(configNode.textContent);
  const form = document.getElementById("extraction-form");
  const csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  const statusNode = document.getElementById("save-status");
  const errorList = document.getElementById("form-errors");
  const dirtyCells = new Set();
  let dirtyFields = new Set();

  function api(method, path, body) {
    return fetch(config.api + path, {
      method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: body ? JSON.stringify(body) : undefined,
    }).then((r) => r.json().then((data) => ({ok: r.ok, data})));
  }

  function tableRow(table, values) {
    const columns = JSON.parse(table.dataset.columns);
    const tr = document.createElement("tr");
    columns.forEach((c) => {
      const td = document.createElement("td");
      const input = document.createElement("input");
      input.dataset.col = c.key;
      input.size = c.type === "text" ? 24 : 6;
      input.value = values && values[c.key] != null ? (c.type === "yes_no" ? (values[c.key] ? "yes" : "no") : values[c.key]) : "";
      input.disabled = !config.editable;
      input.addEventListener("change", () => dirtyFields.add(table.id.slice(2)));
      td.appendChild(input);
      tr.appendChild(td);
    });
    tr.appendChild(document.createElement("td"));
    table.tBodies[0].appendChild(tr);
  }

  function fillFields(values) {
    form.querySelectorAll(".field").forEach((node) => {
      const key = node.dataset.field, type = node.dataset.type, value = values[key];
      if (type === "table") {
        const table = node.querySelector("table");
        table.tBodies[0].innerHTML = "";
        (value || []).forEach((row) => tableRow(table, row));
        if (!(value || []).length && config.editable) tableRow(table, null);
      } else if (type === "multi_choice") {
        node.querySelectorAll("input[type=checkbox]").forEach((box) => {
          box.checked = (value || []).includes(box.value);
        });
      } else {
        const input = node.querySelector("input, select, textarea");
        input.value = value == null ? "" : (type === "yes_no" ? (value ? "yes" : "no") : value);
      }
    });
  }

  function describe(conv) {
    if (!conv) return "—";
    const fmt = (x) => (x == null ? "" : Number(x).toPrecision(4).replace(/\.?0+$/, ""));
    if (conv.events != null) return `${conv.events}/${conv.total ?? conv.person_time} · ${conv.method}`;
    const parts = [];
    if (conv.mean != null) parts.push(`n ${conv.n ?? "?"}, mean ${fmt(conv.mean)}, SD ${fmt(conv.sd)}`);
    if (conv.change_mean != null) parts.push(`change ${fmt(conv.change_mean)} (SD ${fmt(conv.change_sd)})`);
    return parts.join("; ") + ` · ${conv.method}`;
  }

  function fillCells(cells, convertedOnly) {
    const byKey = {};
    cells.forEach((c) => { byKey[`${c.outcome}:${c.timepoint}:${c.arm}`] = c; });
    document.querySelectorAll(".grid-table tbody tr").forEach((tr) => {
      const c = byKey[`${tr.dataset.o}:${tr.dataset.t}:${tr.dataset.a}`];
      if (!convertedOnly) tr.querySelectorAll("input.cell").forEach((input) => {
        const v = c && c.reported[input.dataset.s];
        input.value = v == null ? "" : v;
        input.disabled = !config.editable;
      });
      tr.querySelector(".converted").textContent = c ? describe(c.converted) : "";
    });
  }

  function fill(payload) {
    fillFields(payload.values || {});
    fillCells(payload.cells || []);
    form.querySelectorAll(".field input, .field select, .field textarea").forEach((i) => {
      i.disabled = !config.editable;
    });
  }

  function fieldValue(node) {
    const type = node.dataset.type;
    if (type === "table") {
      return Array.from(node.querySelectorAll("tbody tr")).map((tr) => {
        const row = {};
        tr.querySelectorAll("input").forEach((i) => { row[i.dataset.col] = i.value; });
        return row;
      });
    }
    if (type === "multi_choice") {
      return Array.from(node.querySelectorAll("input:checked")).map((b) => b.value);
    }
    return node.querySelector("input, select, textarea").value;
  }

  function collect() {
    const values = {};
    form.querySelectorAll(".field").forEach((node) => {
      if (dirtyFields.has(node.dataset.field)) values[node.dataset.field] = fieldValue(node);
    });
    const rows = Array.from(dirtyCells);
    dirtyCells.clear();  // rows changed while this save is in flight are dirty again
    const cells = rows.map((tr) => {
      const values = {};
      tr.querySelectorAll("input.cell").forEach((i) => { if (i.value.trim()) values[i.dataset.s] = i.value.trim(); });
      return {outcome: +tr.dataset.o, timepoint: +tr.dataset.t, arm: +tr.dataset.a, values};
    });
    return {values, cells, rows};
  }

  function showErrors(data) {
    errorList.innerHTML = "";
    document.querySelectorAll("[data-error-for]").forEach((n) => { n.textContent = ""; });
    document.querySelectorAll("input.invalid").forEach((n) => n.classList.remove("invalid"));
    Object.entries(data).forEach(([key, messages]) => {
      const text = [].concat(messages).join("; ");
      const slot = document.querySelector(`[data-error-for="${key}"]`);
      if (slot) slot.textContent = text;
      const m = key.match(/^c:(\d+):(\d+):(\d+):(\w+)$/);
      if (m) {
        const input = document.querySelector(`tr[data-o="${m[1]}"][data-t="${m[2]}"][data-a="${m[3]}"] input[data-s="${m[4]}"]`);
        if (input) input.classList.add("invalid");
      }
      const li = document.createElement("li");
      li.className = "msg-error";
      li.textContent = text;
      errorList.appendChild(li);
    });
  }

  // One save at a time, in order: two overlapping saves of a row could land out of order
  // and the older values win. A change made during a save is sent by the next one.
  let inFlight = null;
  let again = false;

  function save() {
    if (inFlight) { again = true; return inFlight; }
    const body = collect();
    const sentFields = dirtyFields;
    dirtyFields = new Set();
    statusNode.textContent = "…";
    inFlight = api("PUT", `extractions/${config.payload.id}/`, {values: body.values,
                                                                 cells: body.cells})
      .then(({ok, data}) => {
        if (!ok) {
          body.rows.forEach((tr) => dirtyCells.add(tr));
          sentFields.forEach((f) => dirtyFields.add(f));
          showErrors(data); statusNode.textContent = "✗"; return false;
        }
        showErrors({});
        fillCells(data.cells, true);  // typing may have gone on meanwhile: keep the inputs
        statusNode.textContent = "✓ " + new Date().toLocaleTimeString();
        return true;
      })
      .finally(() => {
        inFlight = null;
        if (again) { again = false; save(); }
      });
    return inFlight;
  }

  function paste(event) {
    const text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n]/.test(text)) return;
    event.preventDefault();
    const start = event.target, tr = start.closest("tr");
    const rows = Array.from(tr.parentNode.rows);
    const column = Array.from(tr.querySelectorAll("input.cell")).indexOf(start);
    text.replace(/\r/g, "").replace(/\n$/, "").split("\n").forEach((line, i) => {
      const target = rows[rows.indexOf(tr) + i];
      if (!target) return;
      const inputs = Array.from(target.querySelectorAll("input.cell"));
      line.split("\t").forEach((value, j) => {
        if (inputs[column + j]) inputs[column + j].value = value.trim();
      });
      dirtyCells.add(target);
    });
  }

  form.addEventListener("submit", (e) => e.preventDefault());  // saving goes through the API
  if (config.payload) fill(config.payload);
  if (!config.editable) return;
  form.addEventListener("change", (e) => {
    const tr = e.target.closest(".grid-table tr");
    if (tr && e.target.classList.contains("cell")) { dirtyCells.add(tr); save(); return; }
    const field = e.target.closest(".field");
    if (field) dirtyFields.add(field.dataset.field);
  });
  form.addEventListener("paste", (e) => { if (e.target.classList.contains("cell")) { paste(e); save(); } });
  document.querySelectorAll(".add-row").forEach((b) => b.addEventListener("click", () => {
    tableRow(document.getElementById(b.dataset.table), null);
  }));
  document.getElementById("save-extraction").addEventListener("click", save);
  // Everything saved, nothing in flight: what a submission must wait for.
  function flush() {
    if (inFlight) return inFlight.then(() => flush());
    if (dirtyCells.size || dirtyFields.size) return save().then((ok) => (ok ? flush() : false));
    return Promise.resolve(true);
  }
  document.getElementById("submit-extraction").addEventListener("click", () => {
    flush().then((ok) => {
      if (!ok) return;
      api("POST", `extractions/${config.payload.id}/submit/`).then(({ok, data}) => {
        if (ok) window.location.reload(); else showErrors(data);
      });
    });
  });
})();

// Adding an arm (owner).
(function () {
  "use strict";
  const button = document.getElementById("add-arm");
  if (!button) return;
  const armForm = document.getElementById("arm-form");
  armForm.addEventListener("submit", (e) => e.preventDefault());
  const csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  button.addEventListener("click", () => {
    fetch(armForm.dataset.api, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify({study: +armForm.dataset.study, label: armForm.label.value,
                            role: armForm.role.value}),
    }).then((r) => { if (r.ok) window.location.reload(); else r.json().then((d) => alert(JSON.stringify(d))); });
  });
})();

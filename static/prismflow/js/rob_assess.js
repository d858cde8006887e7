// The risk-of-bias assessment form: questions asked only when their condition holds, and
// the tool's proposal for each domain and overall shown live as the assessor answers (the
// server's algorithm answers; nothing is saved until the form is submitted).
(function () {
  "use strict";
  const configNode = document.getElementById("rob-config");
  const form = document.getElementById("rob-form");
  if (!configNode || !form) return;
  const config = JSON.parse(configNode.textContent);
  const csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  const errors = document.getElementById("rob-errors");
  let timer = null;

  function answers() {
    const out = {};
    form.querySelectorAll(".rob-question").forEach((q) => {
      if (q.hidden) return;
      const checked = q.querySelector("input[type=radio]:checked");
      if (checked) out[q.dataset.q] = checked.value;
    });
    return out;
  }

  function overrides() {
    const out = {};
    form.querySelectorAll("select.override").forEach((select) => {
      if (!select.value) return;
      const key = select.name.slice(3);
      const why = form.querySelector(`input[name="why-${CSS.escape(key)}"]`);
      out[key] = {judgement: select.value, reason: why ? why.value : ""};
    });
    return out;
  }

  function holds(when, given) {
    const [mode, clauses] = Object.entries(when)[0];
    const tests = clauses.map((c) => c.in.includes(given[c.q]));
    return mode === "any" ? tests.some(Boolean) : tests.every(Boolean);
  }

  function showAsked() {
    // In order: an earlier question's answer decides whether a later one is asked.
    const given = {};
    form.querySelectorAll(".rob-question").forEach((q) => {
      const asked = !q.dataset.when || holds(JSON.parse(q.dataset.when), given);
      q.hidden = !asked;
      if (!asked) q.querySelectorAll("input[type=radio]").forEach((r) => { r.checked = false; });
      const checked = q.querySelector("input[type=radio]:checked");
      if (asked && checked) given[q.dataset.q] = checked.value;
    });
  }

  function label(value) {
    if (value === null || value === undefined) return config.text.waiting;
    return config.judgements[value] || value;
  }

  function setText(id, text) {
    const node = document.getElementById(id);
    if (node) node.textContent = text;
  }

  function show(result) {
    Object.entries(result.domains).forEach(([key, d]) => {
      setText(`prop-${key}`, label(d.proposed));
      setText(`final-${key}`, d.final === null ? "" : label(d.final));
      setText(`reason-${key}`, d.reason || "");
      if (d.score !== undefined) setText(`score-${key}`, d.score === null ? "—" : d.score);
    });
    const o = result.overall;
    setText("prop-overall", label(o.proposed));
    setText("final-overall", o.final === null ? "" : label(o.final));
    setText("reason-overall", o.reason || "");
    if (result.score !== undefined) setText("score-total", result.score);
  }

  function showErrors(data) {
    errors.replaceChildren();
    Object.entries(data || {}).forEach(([key, messages]) => {
      const li = document.createElement("li");
      li.textContent = `${key}: ${[].concat(messages).join("; ")}`;
      errors.appendChild(li);
    });
    errors.hidden = !errors.children.length;
  }

  function propose() {
    fetch(config.api, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify({answers: answers(), overrides: overrides()}),
    }).then((r) => r.json().then((data) => {
      if (r.ok) { showErrors({}); show(data); form.dataset.proposed = "1"; }
      else showErrors(data);
    }));
  }

  function changed() {
    showAsked();
    clearTimeout(timer);
    timer = setTimeout(propose, 150);
  }

  showAsked();
  if (config.editable) {
    form.addEventListener("change", changed);
    form.addEventListener("input", (e) => { if (e.target.name && e.target.name.startsWith("why-")) changed(); });
  }
})();

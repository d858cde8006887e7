// The screening page: one record at a time, keyboard first, no full reloads.
(() => {
  const cfg = JSON.parse(document.getElementById("screen-config").textContent);
  const $ = (id) => document.getElementById(id);
  const history = [];           // item ids I voted on in this sitting, newest last
  const skipped = new Set();    // items passed over with N / right arrow
  let undoable = [];            // from the server: my votes still withdrawable, newest first
  let lastTotal = null;         // records in the stage when last heard, to notice new ones
  let current = null;

  const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  async function call(method, path, body) {
    const res = await fetch(cfg.api + path, {
      method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), Accept: "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(flatten(data) || res.statusText);
    return data;
  }
  const flatten = (d) => (typeof d === "string" ? d : Object.values(d || {}).flat().join(" "));

  const escapeHtml = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  function highlight(text) {
    let html = escapeHtml(text);
    const mark = (words, cls) => {
      const list = words.filter(Boolean).map((w) => escapeRe(escapeHtml(w)));
      if (!list.length) return;
      html = html.replace(new RegExp(`(${list.join("|")})`, "gi"), `<mark class="${cls}">$1</mark>`);
    };
    mark(cfg.include_keywords, "kw-in");
    mark(cfg.exclude_keywords, "kw-out");
    return html;
  }

  function say(msg, bad) {
    const box = $("screen-message");
    box.textContent = msg || "";
    box.className = bad ? "msg-error" : "muted";
  }

  // Every answer that carries a record also carries my progress and my undo steps.
  function renderState(data) {
    if (data.undo) undoable = data.undo;
    $("btn-undo").disabled = !undoable.length;
    $("done-undo-hint").hidden = !undoable.length;
    if (data.progress) renderProgress(data.progress);
  }

  function renderProgress(p) {
    if (lastTotal !== null && p.total > lastTotal) {
      const added = p.total - lastTotal;
      const box = $("new-records");
      box.textContent = (added === 1 ? box.dataset.one : box.dataset.many).replace("{n}", added);
      box.hidden = false;
    }
    lastTotal = p.total;
    $("my-progress").value = p.my_votes; $("my-progress").max = p.my_votes + p.my_remaining || 1;
    $("my-progress-text").textContent = `${p.my_votes} / ${p.my_votes + p.my_remaining}`;
    $("team-progress").value = p.settled; $("team-progress").max = p.total || 1;
    $("team-progress-text").textContent = `${p.settled} / ${p.total}`;
    $("conflict-count").textContent = p.conflicts;
  }

  const SETTLED = ["included", "excluded"];

  function renderItem(item, progress) {
    current = item;
    $("record").hidden = !item;
    const settled = !!item && SETTLED.includes(item.status);
    // Vote controls only where a vote can be cast: not when finished, not on a settled record.
    $("vote-controls").hidden = !item || settled || item.not_retrieved;
    $("settled-note").hidden = !settled;
    $("btn-reopen").hidden = !(settled && cfg.can_reopen);
    $("btn-skip").hidden = !item;
    $("my-vote").parentElement.hidden = !item;
    if (!item) {
      const empty = progress && progress.total === 0;
      $("done").hidden = empty;
      $("empty").hidden = !empty;
      return;
    }
    $("done").hidden = true;
    $("empty").hidden = true;
    const r = item.record;
    $("rec-title").innerHTML = highlight(r.title || "(no title)");
    $("rec-title-translated").innerHTML = highlight(r.title_translated || "");
    $("rec-authors").textContent = (r.authors || []).join("; ");
    $("rec-source").textContent = [r.journal, r.year, r.volume && `${r.volume}${r.issue ? `(${r.issue})` : ""}`, r.pages]
      .filter(Boolean).join(" · ");
    $("rec-ids").textContent = [r.doi && `DOI ${r.doi}`, r.pmid && `PMID ${r.pmid}`].filter(Boolean).join(" · ");
    $("rec-abstract").innerHTML = highlight(r.abstract || "");
    const relevance = $("rec-relevance");  // shown only when the owner turned it on
    if (relevance) {
      relevance.hidden = item.relevance == null;
      $("rec-relevance-value").textContent = item.relevance == null ? "" : `${Math.round(item.relevance * 100)}%`;
    }
    $("rec-keywords").innerHTML = highlight((r.keywords || []).join("; "));
    $("my-vote").textContent = item.my_vote ? item.my_vote.decision : "—";
    const votes = $("other-votes");
    votes.hidden = !item.votes;
    if (item.votes) votes.textContent = item.votes.map((v) => `${v.reviewer}: ${v.decision}`).join(", ");
    if (cfg.stage === "ft") renderFullText(item);
    $("note").value = item.my_vote ? item.my_vote.note : "";
    if ($("reason")) $("reason").value = item.my_vote && item.my_vote.reason ? item.my_vote.reason : "";
  }

  function renderFullText(item) {
    const frame = $("pdf-frame");
    frame.hidden = !item.full_text;
    frame.src = item.full_text ? `${cfg.fulltext}${item.id}/fulltext/` : "about:blank";
    $("pdf-missing").hidden = !!item.full_text;
    $("not-retrieved").checked = item.not_retrieved;
  }

  async function loadNext() {
    try {
      const data = await call("GET", `${cfg.stage}/next/?skip=${[...skipped].join(",")}`);
      renderItem(data.item, data.progress); renderState(data); say("");
    } catch (e) { say(e.message, true); }
  }

  async function vote(decision) {
    if (!current || $("vote-controls").hidden) return;
    const body = { decision, note: $("note").value };
    if (cfg.stage === "ft" && decision === "exclude") {
      const reason = $("reason").value;
      if (!reason) { say($("reason").dataset.required, true); $("reason").focus(); return; }
      body.reason = Number(reason); body.reason_text = $("reason-text").value;
    }
    try {
      const data = await call("POST", `items/${current.id}/vote/`, body);
      history.push(current.id); skipped.delete(current.id);
      renderItem(data.item, data.progress); renderState(data); say("");
    } catch (e) {
      say(e.message, true);
      if (cfg.stage === "ft" && decision === "exclude") return;  // a missing reason: stay
      // The record may have filled up or settled meanwhile. Settled: show it as it is, with
      // the reopen button for those who may reopen; otherwise move on.
      const fresh = await call("GET", `items/${current.id}/`).catch(() => null);
      if (fresh && SETTLED.includes(fresh.status)) { renderItem(fresh); say(e.message, true); return; }
      skipped.add(current.id); loadNext().then(() => say(e.message, true));
    }
  }

  async function showPrevious() {
    const id = history[history.length - 1] || undoable[0];
    if (!id) return;
    try { renderItem(await call("GET", `items/${id}/`)); } catch (e) { say(e.message, true); }
  }

  // Undo withdraws my newest vote that can still be withdrawn (the server keeps the list,
  // so several steps work, and still work after a reload).
  async function undo() {
    const id = undoable[0];
    if (!id) { say($("undo-none").textContent); return; }
    try {
      const data = await call("POST", `items/${id}/retract/`);
      const at = history.lastIndexOf(id);
      if (at >= 0) history.splice(at, 1);
      renderItem(data.item, data.progress); renderState(data); say($("undo-done").textContent);
    } catch (e) { say(e.message, true); }
  }

  async function reopen() {
    if (!current) return;
    try {
      await call("POST", `items/${current.id}/reopen/`);
      renderItem(await call("GET", `items/${current.id}/`));
      say($("reopen-done").textContent);
    } catch (e) { say(e.message, true); }
  }

  function skip() { if (current) { skipped.add(current.id); loadNext(); } }

  document.addEventListener("keydown", (ev) => {
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
    if (typing) { if (ev.key === "Escape") document.activeElement.blur(); return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const key = ev.key.toLowerCase();
    const actions = {
      i: () => vote("include"), e: () => vote("exclude"), m: () => vote("maybe"), u: undo,
      n: skip, arrowright: skip, p: showPrevious, arrowleft: showPrevious,
      "?": () => { $("help").hidden = !$("help").hidden; },
    };
    if (actions[key]) { ev.preventDefault(); actions[key](); }
  });
  document.querySelectorAll("[data-vote]").forEach((b) => b.addEventListener("click", () => vote(b.dataset.vote)));
  $("btn-undo").addEventListener("click", undo);
  $("btn-reopen").addEventListener("click", reopen);
  $("btn-prev").addEventListener("click", showPrevious);
  $("btn-skip").addEventListener("click", skip);
  $("btn-help").addEventListener("click", () => { $("help").hidden = !$("help").hidden; });

  if (cfg.stage === "ft") {
    $("pdf-upload").addEventListener("change", async (ev) => {
      const file = ev.target.files[0];
      if (!file || !current) return;
      const form = new FormData(); form.append("file", file);
      const res = await fetch(`${cfg.fulltext}${current.id}/fulltext/`, {
        method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrf() } });
      ev.target.value = "";
      if (!res.ok) { say(await res.text(), true); return; }
      say("");  // an error from an earlier attempt no longer holds
      renderItem(await call("GET", `items/${current.id}/`));
    });
    $("not-retrieved").addEventListener("change", async (ev) => {
      const form = new FormData(); form.append("not_retrieved", ev.target.checked ? "1" : "0");
      const res = await fetch(`${cfg.fulltext}${current.id}/fulltext/`, {
        method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrf() } });
      if (!res.ok) { ev.target.checked = !ev.target.checked; say(await res.text(), true); return; }
      say("");
      renderItem(await call("GET", `items/${current.id}/`));
    });
  }
  loadNext();
})();

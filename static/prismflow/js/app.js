// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.submit());
  });
  document.querySelectorAll("[data-copy]").forEach((btn) => {
    btn.addEventListener("click", () => {
      const target = document.getElementById(btn.dataset.copy);
      if (!target) return;
      target.select();
      if (navigator.clipboard) navigator.clipboard.writeText(target.value);
      btn.textContent = btn.dataset.copied || btn.textContent;
    });
  });
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (ev) => {
      if (!window.confirm(form.dataset.confirm)) ev.preventDefault();
    });
  });
});

// Import progress: poll while a search is queued, then reload to show the result.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("progress");
  if (!box || box.dataset.status !== "queued") return;
  const bar = document.getElementById("progress-bar");
  const text = document.getElementById("progress-text");
  const tick = async () => {
    const res = await fetch(box.dataset.url, { headers: { Accept: "application/json" } });
    if (!res.ok) return;
    const p = await res.json();
    bar.max = p.total; bar.value = p.done; text.textContent = `${p.done} / ${p.total}`;
    if (p.status === "queued") setTimeout(tick, 1000); else window.location.reload();
  };
  setTimeout(tick, 500);
});

// A page showing work still running (pooling) reloads itself until it is done.
document.addEventListener("DOMContentLoaded", () => {
  const node = document.querySelector("[data-reload]");
  if (node) setTimeout(() => window.location.reload(), 1000 * Number(node.dataset.reload || 3));
});

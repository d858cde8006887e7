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

// Search progress: poll while the file is read (bytes) or imported (records), then reload
// to show the result. When nothing has moved for a while the server says "stuck": reload
// once, so the page offers to queue the task again or discard the file.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("progress");
  if (!box || !["queued", "reading"].includes(box.dataset.status)) return;
  const bar = document.getElementById("progress-bar");
  const text = document.getElementById("progress-text");
  const stuck = document.getElementById("stuck");
  const mb = (n) => (n / 1048576).toFixed(1); // as the page's filesizeformat counts MB
  const tick = async () => {
    let p;
    try {
      const res = await fetch(box.dataset.url, { headers: { Accept: "application/json" } });
      if (!res.ok) { setTimeout(tick, 3000); return; }
      p = await res.json();
    } catch (err) { setTimeout(tick, 3000); return; }
    bar.max = p.total || 1; bar.value = Math.min(p.done, bar.max);
    text.textContent = p.unit === "bytes" ? `${mb(p.done)} / ${mb(p.total)} MB` : `${p.done} / ${p.total}`;
    if (p.status !== box.dataset.status || (p.stuck && stuck && stuck.hidden)) {
      window.location.reload();
      return;
    }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 500);
});

// A page showing work still running (pooling) reloads itself until it is done.
document.addEventListener("DOMContentLoaded", () => {
  const node = document.querySelector("[data-reload]");
  if (node) setTimeout(() => window.location.reload(), 1000 * Number(node.dataset.reload || 3));
});

// Records list: "select all" for the bulk label, and a confirmation before labelling every
// record a filter found. The page works without it (ticking boxes one by one).
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", () => {
      document.querySelectorAll("#records input[name=records]").forEach((box) => {
        box.checked = all.checked;
      });
    });
  }
  const filtered = document.getElementById("bulk-filtered");
  if (filtered) {
    filtered.addEventListener("click", (ev) => {
      if (!window.confirm(filtered.dataset.confirmText)) ev.preventDefault();
    });
  }
});

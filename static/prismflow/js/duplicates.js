// Duplicates page: M merges and N keeps apart the current pair; J/K or arrows move between pairs.
document.addEventListener("DOMContentLoaded", () => {
  const pairs = Array.from(document.querySelectorAll("section.pair[data-pair]"));
  if (!pairs.length) return;
  let current = 0;
  const show = (index) => {
    current = Math.max(0, Math.min(pairs.length - 1, index));
    pairs.forEach((el, i) => el.classList.toggle("current", i === current));
    pairs[current].scrollIntoView({ block: "nearest" });
    pairs[current].focus({ preventScroll: true });
  };
  const press = (action) => {
    const button = pairs[current].querySelector(`button[data-action="${action}"]`);
    if (button) button.click();
  };
  const keys = {
    j: () => show(current + 1), ArrowDown: () => show(current + 1), ArrowRight: () => show(current + 1),
    k: () => show(current - 1), ArrowUp: () => show(current - 1), ArrowLeft: () => show(current - 1),
    m: () => press("merge"), n: () => press("not_duplicate"),
  };
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.target.closest("input, textarea, select, [contenteditable]")) return;
    const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    if (!keys[key]) return;
    ev.preventDefault();
    keys[key]();
  });
  pairs.forEach((el, i) => el.addEventListener("click", () => show(i)));
  show(0);
});

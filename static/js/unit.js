// Unit workspace: a "select all on this page" box above the inbox table (the table works without it).
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.classList.contains("select-all")) return;
  const table = box.closest("table");
  if (!table) return;
  for (const item of table.querySelectorAll(`tbody input[type="checkbox"][name="${box.dataset.select}"]`)) {
    item.checked = box.checked;
  }
});

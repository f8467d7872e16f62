// The fiscal console's forms work without this file. It names the file a person chose (the input
// itself is hidden behind a Chinese label) and says at once when the file is too large to send.
(() => {
  "use strict";

  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
    const box = input.closest(".file-pick");
    if (!box) return;
    const chosen = box.querySelector("[data-file-chosen]");
    const problem = box.parentElement.querySelector("[data-file-problem]");
    const file = input.files && input.files[0];
    if (chosen) chosen.textContent = file ? `已选择：${file.name}` : "未选择文件";
    const limit = Number(input.dataset.maxBytes || 0);
    const tooLarge = Boolean(file && limit && file.size > limit);
    if (problem) problem.textContent = tooLarge ? `文件不能超过 ${Math.floor(limit / 1048576)} 兆，请压缩后重新选择。` : "";
    input.setAttribute("aria-invalid", tooLarge ? "true" : "false");
  });
})();

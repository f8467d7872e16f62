// The export form downloads a file, so the page stays put: show that packing is under way,
// keep the button from being pressed twice, and give it back once the download has had time to start.
(function () {
  "use strict";
  const RESTORE_AFTER_MS = 20000;

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.busyLabel) return;
    const button = form.querySelector("button[type=submit]");
    if (!button || button.disabled) return;
    const label = button.textContent;
    window.setTimeout(function () {
      button.disabled = true;
      button.textContent = form.dataset.busyLabel;
      form.classList.add("htmx-request");
      form.setAttribute("aria-busy", "true");
    }, 0);
    window.setTimeout(function () {
      button.disabled = false;
      button.textContent = label;
      form.classList.remove("htmx-request");
      form.removeAttribute("aria-busy");
    }, RESTORE_AFTER_MS);
  });
})();

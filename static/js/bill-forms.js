// Verification forms on the import page and the public status page (/check).
//
// The forms work without this file (plain posts, full pages). With htmx it adds what a
// phone user needs while a photo or PDF uploads and is checked: an upload progress bar and
// a spoken status, refusals (4xx) shown in place instead of dropped, each typed field
// checked again as soon as it is corrected, a too-large file caught before it is sent,
// and focus moved to the answer so keyboard and screen-reader users land on it.
(() => {
  "use strict";

  // What the forms say, in the page's language: the data attributes of <template id="bill-form-texts">
  // (templates/wallet/script_texts/bill_forms.html), with {words} in braces to fill in.
  const textSource = document.getElementById("bill-form-texts");
  const text = (key, values = {}) => ((textSource && textSource.dataset[key]) || "")
    .replace(/\{(\w+)\}/g, (whole, word) => (word in values ? values[word] : whole));

  function say(text) {
    const live = document.getElementById("import-live");
    if (live) live.textContent = text;
  }

  function outcomeHtml(title, text) {
    const box = document.createElement("div");
    box.className = "outcome";
    box.tabIndex = -1;
    box.setAttribute("data-outcome", "");
    const card = document.createElement("div");
    card.className = "card outcome-head refused";
    const heading = document.createElement("h2");
    heading.textContent = title;
    const message = document.createElement("p");
    message.textContent = text;
    card.append(heading, message);
    box.append(card);
    return box.outerHTML;
  }

  // An error page (not one of our outcome fragments) becomes an outcome with its title and text.
  function fromErrorPage(html) {
    const page = new DOMParser().parseFromString(html, "text/html");
    const title = page.querySelector(".error-page h1");
    const message = page.querySelector(".error-page h1 + p");
    return outcomeHtml(title ? title.textContent : text("notDone"), message ? message.textContent : text("tryLater"));
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    const { xhr, target } = event.detail;
    if (xhr.status < 400 || !target || !target.closest("[data-show-errors]")) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    if (!/data-outcome/.test(event.detail.serverResponse)) {
      event.detail.serverResponse = fromErrorPage(event.detail.serverResponse);
    }
  });

  for (const name of ["htmx:sendError", "htmx:timeout"]) {
    document.addEventListener(name, (event) => {
      const target = event.detail.target;
      if (target && target.closest("[data-show-errors]")) {
        target.innerHTML = outcomeHtml(text("notDone"), text("offline"));
        target.querySelector("[data-outcome]").focus();
      }
      say(text("offline"));
    });
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.dataset.busyText) return;
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("[data-upload-progress]").forEach((bar) => { bar.value = 0; });
    say(form.dataset.busyText);
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (form instanceof HTMLFormElement) form.removeAttribute("aria-busy");
  });

  document.addEventListener("htmx:xhr:progress", (event) => {
    const form = event.target.closest && event.target.closest("form");
    const bar = form && form.querySelector("[data-upload-progress]");
    if (!bar || !event.detail.lengthComputable || !event.detail.total) return;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (!target) return;
    if (target.matches(".field-error")) {
      const input = document.querySelector(`[aria-describedby~="${target.id}"]`);
      if (input && target.textContent.trim()) input.setAttribute("aria-invalid", "true");
      else if (input) input.removeAttribute("aria-invalid");
      return;
    }
    const outcome = target.closest("[data-show-errors]") && target.querySelector("[data-outcome]");
    if (outcome) {
      say("");
      // An answer that asks for a field (a QR code without the amount) lands on that field.
      const field = outcome.dataset.focus && document.getElementById(outcome.dataset.focus);
      (field || outcome).focus();
      (field || outcome).scrollIntoView({ block: field ? "center" : "start" });
    }
  });

  // A field shown as wrong is checked again while it is being corrected, not only on leaving it.
  document.addEventListener("input", (event) => {
    const input = event.target;
    if (window.htmx && input.matches && input.matches("[data-validate][aria-invalid='true']")) {
      window.htmx.trigger(input, "revalidate");
    }
  });

  function size(bytes) {
    const mb = bytes / 1048576;
    return mb < 0.1 ? text("sizeSmall") : text("size", { megabytes: mb.toFixed(1) });
  }

  // The file input is hidden behind a Chinese label (Chromium would say "No file chosen"):
  // the chosen file's name is said beside it instead.
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!input.matches || !input.matches("input[type=file]")) return;
    const chosen = input.parentElement && input.parentElement.querySelector("[data-file-chosen]");
    const file = input.files && input.files[0];
    if (!chosen || !file) return;
    // The file's name is the person's own, not language: marked so it is not translated.
    const name = document.createElement("span");
    name.setAttribute("translate", "no");
    name.textContent = file.name;
    const [before, after = ""] = text("chosen", { size: size(file.size) }).split("{name}");
    chosen.replaceChildren(before, name, after);
  });

  // A file above the limit is refused before it is uploaded (the server refuses it too).
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    const limit = Number(input.dataset.maxBytes);
    const file = input.files && input.files[0];
    const problem = input.form && input.form.querySelector("[data-file-problem]");
    const message = file && limit && file.size > limit
      ? text("tooLarge", { limit: Math.floor(limit / 1048576) }) : "";
    input.setCustomValidity(message);
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    if (problem) problem.textContent = message;
  });
})();

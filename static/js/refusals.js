// Refusals the server asks to show in place of the page's main area.
//
// htmx drops 4xx answers, so a refused htmx request (an expired form, for one) would look like
// a tap that did nothing. The server marks such a refusal with HX-Retarget; it is swapped in
// like any answer, and focus moves to it so screen-reader users hear what happened.
(() => {
  "use strict";

  document.addEventListener("htmx:beforeSwap", (event) => {
    const { xhr } = event.detail;
    if (xhr.status < 400 || xhr.status >= 500 || !xhr.getResponseHeader("HX-Retarget")) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const { xhr } = event.detail;
    if (xhr.status < 400 || !xhr.getResponseHeader("HX-Retarget")) return;
    const main = document.getElementById("main");
    if (main) main.focus();
  });
})();

// Focus that a swap would take away, kept in place (every page of every part loads this).
//
// An htmx swap that replaces the focused element drops the keyboard's place, and a screen
// reader's, to the top of the page: a bill on a list a change refreshed, 加载更多 answered with
// the next bills, 下一页 of the unit inbox answered with the next page. htmx itself brings back
// focus only to an element that has an id. So what had focus is noted before such a swap and,
// after it, focus goes to the same link or field in what came (found by its address, or its name
// and value), else to the replaced section itself, else to the first of the new rows.
(() => {
  "use strict";

  const attr = (name, value) => `[${name}="${CSS.escape(value)}"]`;
  // How to find the focused element again among new ones: its id, a link's address, a field's name and value.
  const placeOf = (el) => {
    if (el.id) return `#${CSS.escape(el.id)}`;
    if (el.getAttribute("href")) return `a${attr("href", el.getAttribute("href"))}`;
    const name = el.getAttribute("name");
    if (!name) return null;
    return `${el.localName}${attr("name", name)}${el.hasAttribute("value") ? attr("value", el.getAttribute("value")) : ""}`;
  };
  let lostPlace = null;
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const { target } = event.detail;
    const focused = document.activeElement;
    lostPlace = null;
    if (!event.detail.shouldSwap || !focused || !target.contains(focused)) return;
    lostPlace = {
      same: placeOf(focused),
      section: target.id,
      before: target.previousElementSibling,
      parent: target.parentElement,
    };
  });
  document.body.addEventListener("htmx:afterSwap", () => {
    const place = lostPlace;
    lostPlace = null;
    if (!place || (document.activeElement && document.activeElement !== document.body)) return;
    const section = place.section && document.getElementById(place.section);
    const first = place.before ? place.before.nextElementSibling : place.parent && place.parent.firstElementChild;
    const next = (place.same && document.querySelector(place.same))
      || section || (first && (first.querySelector("a[href], button") || first));
    if (!next) return;
    if (!next.matches("a[href], button, input, select, textarea, [tabindex]")) next.setAttribute("tabindex", "-1");
    next.focus({ preventScroll: true });
  });
})();

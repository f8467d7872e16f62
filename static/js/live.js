// The live channel of a resident page (docs/live-status.md).
//
// One EventSource per page, opened by htmx's SSE extension on the #live element; every
// billsChanged it brings is dispatched again on <body>, where each section of the page listens
// ("billsChanged from:body"). The event id is the change sequence: the browser sends it back
// as Last-Event-ID when it reconnects, and the URL is kept at the last one seen for when the
// extension opens a new EventSource, so nothing is missed across a reconnect.
//
// Each change costs the page one re-fetch where it can: the unread badge (in every page's header)
// re-fetches itself on "liveBadge", sent here only when no section of the page brings the badge
// back with its own answer (a section marked data-live-badge), whether the change came by stream or poll.
//
// Where EventSource is missing, keeps failing, or never delivers its first "ready" (a proxy
// buffering the stream), the element becomes the 1-second poll of /live instead.
(() => {
  "use strict";

  const READY_WITHIN_MS = 5000;
  const FAILURES_BEFORE_POLLING = 3;

  const withSeq = (url, seq) => `${url}?seq=${encodeURIComponent(seq)}`;

  const poll = (el) => {
    clearTimeout(el.liveWatchdog);
    if (el.liveSource) el.liveSource.close();
    el.removeAttribute("sse-connect");
    el.removeAttribute("hx-ext");
    el.setAttribute("hx-get", withSeq(el.dataset.poll, el.dataset.seq));
    el.setAttribute("hx-trigger", "every 1s");
    el.setAttribute("hx-swap", "outerHTML");
    el.dataset.mode = "poll";
    htmx.process(el);
  };

  const wire = (el, source) => {
    // One stream per page: a source the extension replaced (its reconnect, a re-processed element) is closed.
    if (el.liveSource && el.liveSource !== source) el.liveSource.close();
    el.liveSource = source;
    el.dataset.mode = "connecting";
    clearTimeout(el.liveWatchdog);
    el.liveWatchdog = setTimeout(() => poll(el), READY_WITHIN_MS);
    source.addEventListener("ready", () => {
      clearTimeout(el.liveWatchdog);
      el.liveFailures = 0;
      el.dataset.mode = "stream";
    });
    source.addEventListener("billsChanged", (event) => {
      el.dataset.seq = event.lastEventId;
      el.setAttribute("sse-connect", withSeq(el.dataset.stream, event.lastEventId));
      htmx.trigger(document.body, "billsChanged");
    });
    source.addEventListener("error", () => {
      el.liveFailures = (el.liveFailures || 0) + 1;
      if (el.liveFailures >= FAILURES_BEFORE_POLLING) poll(el);
    });
  };

  // The extension opens every EventSource through this hook: wire each one, the reopened ones too.
  const open = htmx.createEventSource;
  htmx.createEventSource = (url) => {
    const source = open(url);
    const el = document.getElementById("live");
    if (el && el.dataset.stream) wire(el, source);
    return source;
  };

  // Once per page, should a swapped-in fragment bring this script again.
  if (!window.liveBadgeWired) {
    window.liveBadgeWired = true;
    document.body.addEventListener("billsChanged", () => {
      if (!document.querySelector("[data-live-badge]")) htmx.trigger(document.body, "liveBadge");
    });
    // A bill list the resident scrolled through is refreshed whole, not cut back to its first
    // page: the refresh says how many bills the list shows (wallet/resident/bills.py).
    document.body.addEventListener("htmx:configRequest", (event) => {
      const trigger = event.detail.triggeringEvent;
      if (event.detail.elt.id !== "bill-results" || !trigger || trigger.type !== "billsChanged") return;
      event.detail.parameters.shown = event.detail.elt.querySelectorAll(".bill-card").length;
    });
  }

  htmx.onLoad((root) => {
    const el = root.id === "live" ? root : root.querySelector && root.querySelector("#live");
    if (!el || !el.dataset.stream || el.dataset.mode) return;
    if (typeof window.EventSource !== "function") {
      poll(el);
      return;
    }
    el.setAttribute("hx-ext", "sse");
    el.setAttribute("sse-connect", withSeq(el.dataset.stream, el.dataset.seq));
    htmx.process(el);
  });
})();

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
// What the page fetches by itself (the poll, a section refreshed after a change, the badge) says so
// in an X-Live-Refresh header: it is not the person, so it does not keep an idle session alive.
//
// Where EventSource is missing, keeps failing, or never delivers its first "ready" (a proxy
// buffering the stream), the element becomes the 1-second poll of /live instead.
//
// No change is lost by a section that was being fetched when it came. A section replaces itself
// with its answer, and htmx drops what reaches it meanwhile: a change that comes while the section
// is fetched is queued on the element the answer replaces (or dropped, where the section takes
// turns with a filter), and the new element listens only once it has settled (some 20 ms later).
// So the page counts the changes it is told of, each request for a section notes the count it
// asked at, and a section that settles behind the count asks again (its "liveBehind" trigger).
(() => {
  "use strict";

  const READY_WITHIN_MS = 5000;
  const RELEASED_MS = 250;
  const PRESS_MS = 1500;
  const FAILURES_BEFORE_POLLING = 3;
  const REFRESHES = new Set(["billsChanged", "liveBehind"]);
  // What the page fetches by itself, which must not keep an idle session alive (wallet/auth/sessions.py).
  const BY_ITSELF = new Set([...REFRESHES, "liveBadge"]);
  const LIVE_SECTION = "[hx-trigger*='liveBehind']";

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
    // Counted while the event goes down to <body>, before any section there asks for itself.
    let told = 0;
    const askedAt = new Map();
    // Sections whose refresh is on its way, with the bill rows the list showed when it asked.
    const refreshing = new WeakMap();
    const afterRelease = new Set();
    // When a finger or the mouse went down and has not come up; a press held longer is not a tap.
    let pressedAt = null;
    document.addEventListener("billsChanged", () => { told += 1; }, true);
    document.body.addEventListener("billsChanged", () => {
      if (!document.querySelector("[data-live-badge]")) htmx.trigger(document.body, "liveBadge");
    });
    document.body.addEventListener("htmx:configRequest", (event) => {
      const { elt, target } = event.detail;
      // Any request for a live section: its refresh, or a filter answering with the whole list.
      if (target && target.id && target.matches(LIVE_SECTION)) askedAt.set(target.id, told);
      const trigger = event.detail.triggeringEvent;
      if (elt.id === "live" || (trigger && BY_ITSELF.has(trigger.type))) event.detail.headers["X-Live-Refresh"] = "1";
      if (!trigger || !REFRESHES.has(trigger.type)) return;
      // A bill list the resident scrolled through is refreshed whole, not cut back to its first
      // page: the refresh says how many bills the list shows (wallet/resident/bills.py).
      const shown = elt.id === "bill-results" ? elt.querySelectorAll(".bill-card").length : null;
      if (shown !== null) event.detail.parameters.shown = shown;
      refreshing.set(elt, shown);
    });
    // A refresh's answer is set aside, and the section asks again, in two cases:
    // - 加载更多 brought its rows while the refresh was on its way: the answer, made for fewer rows,
    //   would cut the list back. The section asks again, for as many rows as it now shows.
    // - A finger or the mouse is down: a section replaced between press and release takes the tap
    //   with it (the press and the release land on different elements, so no click), and a bill
    //   tapped while the first sync brings bills in would not open. It asks again once released, or
    //   once the press has lasted longer than a tap.
    document.body.addEventListener("htmx:beforeSwap", (event) => {
      const { elt } = event.detail;
      if (!refreshing.has(elt)) return;
      const asked = refreshing.get(elt);
      refreshing.delete(elt);
      if (!event.detail.shouldSwap) return;
      if (pressedAt !== null && Date.now() - pressedAt < PRESS_MS) {
        event.detail.shouldSwap = false;
        afterRelease.add(elt);
        // A release the page never hears of (a native picker took it) holds nothing back for long.
        setTimeout(askAgain, PRESS_MS - (Date.now() - pressedAt) + RELEASED_MS);
      } else if (asked !== null && elt.querySelectorAll(".bill-card").length !== asked) {
        event.detail.shouldSwap = false;
        // Once this request has let go of the section's turn, which a request made now would find taken.
        setTimeout(() => htmx.trigger(elt, "liveBehind"), 0);
      }
    });
    // A page being left asks for nothing more: a request cut off by the next page is logged as an error.
    let leaving = false;
    window.addEventListener("beforeunload", () => { leaving = true; });
    window.addEventListener("pageshow", () => { leaving = false; });
    const askAgain = () => {
      const waiting = [...afterRelease];
      afterRelease.clear();
      if (!leaving) waiting.forEach((elt) => elt.isConnected && htmx.trigger(elt, "liveBehind"));
    };
    const press = () => { pressedAt = Date.now(); };
    const release = () => {
      pressedAt = null;
      setTimeout(askAgain, RELEASED_MS); // after the click the release brings, which may leave the page
    };
    document.addEventListener("pointerdown", press, true);
    ["pointerup", "pointercancel", "dragend"].forEach((type) => document.addEventListener(type, release, true));
    htmx.onLoad((root) => {
      const asked = askedAt.get(root.id);
      if (asked === undefined) return;
      askedAt.delete(root.id);
      if (asked < told) htmx.trigger(root, "liveBehind");
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

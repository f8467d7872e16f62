// The offline wallet, page side (docs/offline.md).
//
// For a signed-in resident (data-resident on this script) it registers the service worker; on
// any other page of the wallet (signed out, a unit's clerk on /check) it tells the worker to
// forget every kept page, unregisters it and drops htmx's page history, so nothing of the last
// resident stays on the phone. Without a network — or on a page the worker answered from its
// copy (data-offline-copy on <html>, the time it was kept) — it shows the banner
// "离线 · 状态截至 <time>" and disables what needs the network, with the reason in the banner;
// back online, a live page turns the banner off and a kept copy offers to reload. A kept page
// refreshed in place by a change is kept again.
// It also offers "添加到主屏幕" when the browser says the wallet can be installed.
(() => {
  "use strict";

  const script = document.currentScript;
  const root = document.documentElement;
  const keptAt = root.dataset.offlineCopy;
  const workers = navigator.serviceWorker;
  const banner = document.getElementById("offline-banner");
  const offer = document.getElementById("install-offer");
  // What needs the network: every form, the buttons that are links (authorize, download, …), downloads.
  const ACTIONS = "form button, form input, form select, form textarea, a.button, a[download]";
  // Refreshes come in bursts (a sync stores its bills page by page): the page is kept again once.
  const REKEEP_AFTER_MS = 1000;

  if (workers && script.dataset.resident !== undefined) {
    workers
      .register(script.dataset.worker)
      .then(() => workers.controller || workers.ready.then((r) => r.active.postMessage({ type: "keep", url: location.href })))
      .catch(() => {});
  } else if (workers) {
    localStorage.removeItem("htmx-history-cache");
    workers.getRegistrations().then((registrations) => {
      for (const registration of registrations) {
        if (registration.active) registration.active.postMessage({ type: "forget" });
        registration.unregister();
      }
    });
  }

  // A kept page that a change refreshed in place (live.js marks those requests) is kept again a
  // moment after its last refresh: offline, the phone shows the page as the person last saw it, not
  // as it first came (the first list after signing in is kept before the first sync brings the bills).
  if (workers && script.dataset.resident !== undefined && !keptAt) {
    let rekeep = 0;
    document.addEventListener("htmx:afterSettle", (event) => {
      const config = event.detail.requestConfig;
      if (!config || !config.headers || config.headers["X-Live-Refresh"] !== "1") return;
      clearTimeout(rekeep);
      rekeep = setTimeout(async () => {
        if (workers.controller && (await caches.match(location.href))) {
          workers.controller.postMessage({ type: "keep", url: location.href });
        }
      }, REKEEP_AFTER_MS);
    });
  }

  // A kept copy is not live: its status stream would only fail, and it would claim a live page.
  const live = keptAt && document.getElementById("live");
  if (live) live.removeAttribute("data-stream");

  const localTime = (date) =>
    new Intl.DateTimeFormat("zh-CN", {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .format(date)
      .replaceAll("/", "-");

  const setOffline = (offline) => {
    root.classList.toggle("offline", offline);
    if (banner) {
      // Formatting builds a time-zone formatter, dear on a phone: only for a banner that shows.
      if (offline) banner.querySelector("time").textContent = localTime(keptAt ? new Date(keptAt) : new Date());
      banner.hidden = !offline;
    }
    for (const el of document.querySelectorAll(offline ? ACTIONS : "[data-offline-off]")) {
      if (offline && (el.disabled || el.hasAttribute("aria-disabled"))) continue; // off for its own reason
      if (!el.matches("a")) el.disabled = offline;
      else if (offline) el.setAttribute("aria-disabled", "true");
      else el.removeAttribute("aria-disabled");
      el.toggleAttribute("data-offline-off", offline);
    }
  };

  document.addEventListener(
    "click",
    (event) => {
      if (event.target.closest && event.target.closest("[data-offline-off]")) event.preventDefault();
    },
    true,
  );
  window.addEventListener("offline", () => setOffline(true));
  // Back online, a kept copy stays as it was (its forms are stale) and offers the page as it is now.
  window.addEventListener("online", () => {
    if (!keptAt) setOffline(false);
    else if (banner) banner.querySelector("#offline-back").hidden = false;
  });
  setOffline(Boolean(keptAt) || !navigator.onLine);

  let install = null;
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    install = event;
    if (offer) offer.hidden = false;
  });
  if (offer) {
    offer.addEventListener("click", () => {
      if (install) install.prompt();
      install = null;
      offer.hidden = true;
    });
  }
})();

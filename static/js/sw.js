// The offline wallet's service worker (docs/offline.md), served at the wallet's root (/sw.js).
//
// It keeps the app shell (listed and versioned by wallet/public/worker.py) and the pages the
// server marks with X-Offline-Copy: the bill list and the bills a signed-in resident opened,
// under that resident's key, never anyone else's. Online, every page and file comes from the
// network as before; only when the network fails does a kept copy answer, stamped with the time
// it was kept for the page's offline banner. It never touches a POST, an htmx request, the live
// stream or another area's page. Told to forget (static/js/offline.js, after signing out), it
// deletes every cache.
//
// Sections: state, lifecycle, messages, fetch. A further event (push, notificationclick) goes
// in a section of its own below them.
"use strict";

// --- state ------------------------------------------------------------------------------------
const VERSION = "__SHELL_VERSION__";
const SHELL_FILES = ["__SHELL_FILES__"];
const SHELL = `shell-${VERSION}`;
const PAGES = "pages-"; // + the resident's copy key
const KEY_HEADER = "X-Offline-Copy";
const KEPT_HEADER = "X-Kept-At";
const ROOT = new URL(self.registration.scope).pathname; // ends with "/"
const OFFLINE_PAGE = SHELL_FILES[SHELL_FILES.length - 1];
// Pages of other areas and every step of signing in or out go straight to the network.
const NOT_KEPT = /^(idp|fiscal|api|unit|finance|auth|login|logout|live|static)(\/|$)/;
// A unit's or the finance department's page opened on this phone: nobody's bills stay kept.
const STAFF = /^(unit|finance)(\/|$)/;

const forget = async (keep = () => false) => {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => !keep(name)).map((name) => caches.delete(name)));
};

// --- lifecycle --------------------------------------------------------------------------------
self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(SHELL_FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  const current = (name) => name === SHELL || name.startsWith(PAGES);
  event.waitUntil(forget(current).then(() => self.clients.claim()));
});

// --- messages from the wallet's pages ----------------------------------------------------------
const keep = async (request, response) => {
  const key = response.headers.get(KEY_HEADER);
  if (!key || response.status !== 200 || response.type !== "basic") return;
  const name = PAGES + key;
  // One resident's pages at a time: a page kept for someone else ends the last one's copies.
  await forget((other) => !other.startsWith(PAGES) || other === name);
  const headers = new Headers(response.headers);
  headers.set(KEPT_HEADER, new Date().toISOString());
  const body = await response.blob();
  await (await caches.open(name)).put(request, new Response(body, { status: 200, headers }));
};

self.addEventListener("message", (event) => {
  const { type, url } = event.data || {};
  if (type === "forget") event.waitUntil(forget());
  // A page shown before the worker took control asks to be kept all the same.
  if (type === "keep" && new URL(url).origin === location.origin) {
    const request = new Request(url, { credentials: "same-origin" });
    event.waitUntil(fetch(request).then((response) => keep(request, response)));
  }
});

// --- fetch ------------------------------------------------------------------------------------
const keptCopy = async (request) => {
  for (const name of (await caches.keys()).filter((n) => n.startsWith(PAGES))) {
    const kept = await (await caches.open(name)).match(request, { ignoreVary: true });
    if (!kept) continue;
    // The page's script reads when the copy was kept off <html> and shows the offline banner.
    const stamp = ` data-offline-copy="${kept.headers.get(KEPT_HEADER)}"`;
    const html = (await kept.text()).replace("<html", `<html${stamp}`);
    const headers = new Headers(kept.headers);
    headers.delete("Content-Length");
    return new Response(html, { status: 200, headers });
  }
  return undefined;
};

const page = async (event) => {
  try {
    const response = await fetch(event.request);
    event.waitUntil(keep(event.request, response.clone()));
    return response;
  } catch (offline) {
    return (await keptCopy(event.request)) || (await caches.match(OFFLINE_PAGE, { cacheName: SHELL })) || Response.error();
  }
};

const shellFile = (request) =>
  fetch(request).catch(
    async () => (await caches.match(request, { cacheName: SHELL, ignoreSearch: true })) || Response.error(),
  );

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin || !url.pathname.startsWith(ROOT)) return;
  const path = url.pathname.slice(ROOT.length);
  if (request.mode === "navigate" && STAFF.test(path)) event.waitUntil(forget((name) => !name.startsWith(PAGES)));
  if (request.mode === "navigate" && !NOT_KEPT.test(path)) event.respondWith(page(event));
  else if (path.startsWith("static/") && !request.headers.get("HX-Request")) event.respondWith(shellFile(request));
});

// --- push -------------------------------------------------------------------------------------
// Reminders the wallet pushes (docs/reminders.md): shown, and opened when tapped. One worker per
// phone holds both the offline copies and the push subscription.
importScripts(`${ROOT}static/js/push-sw.js`);

// Web Push in the service worker: show each reminder, and open the page it links to when tapped.
// Imported by the wallet's service worker (/sw.js, static/js/sw.js), whose scope covers every page.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (_) {
    data = { body: event.data.text() };
  }
  event.waitUntil(self.registration.showNotification(data.title || "票据夹提醒", {
    body: data.body || "",
    tag: data.tag,
    lang: "zh-CN",
    icon: "/static/icons/favicon.svg",
    data: { url: data.url || "/notifications" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data.url, self.location.origin);
  if (url.origin !== self.location.origin) return;
  event.waitUntil(self.clients.openWindow(url.href));
});

// The 接收推送提醒 switch: ask for permission, subscribe this browser and hand the subscription to
// the wallet (CSRF in the header, as htmx sends it); switching off forgets it on both sides.
(() => {
  "use strict";
  const box = document.getElementById("push-settings");
  if (!box) return;
  const toggle = document.getElementById("push-toggle");
  const status = document.getElementById("push-status");
  const say = (text) => { status.textContent = text; };
  // What the switch says, in the page's language: the data attributes of <template id="push-texts">
  // (templates/wallet/script_texts/push.html).
  const textSource = document.getElementById("push-texts");
  const text = (key) => (textSource && textSource.dataset[key]) || "";
  if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window)) {
    say(text("unsupported"));
    return;
  }
  const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const send = (url, body) => fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body),
  }).then((r) => r.json().then((reply) => {
    if (!r.ok) throw new Error(reply.message);
    return reply.message;
  }));
  const active = (reg) => new Promise((done) => {
    const worker = reg.installing || reg.waiting;
    if (!worker) return done(reg);
    worker.addEventListener("statechange", () => worker.state === "activated" && done(reg));
  });
  const ready = navigator.serviceWorker.register(box.dataset.worker).then(active);

  const on = () => Notification.requestPermission().then((permission) => {
    if (permission !== "granted") throw new Error(text("notAllowed"));
    return ready.then((reg) => reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: box.dataset.key }));
  }).then((sub) => send(box.dataset.subscribe, sub.toJSON()));

  const off = () => ready.then((reg) => reg.pushManager.getSubscription()).then((sub) => sub
    ? send(box.dataset.unsubscribe, { endpoint: sub.endpoint }).then((message) => sub.unsubscribe().then(() => message))
    : text("turnedOff"));

  ready.then((reg) => reg.pushManager.getSubscription()).then((sub) => {
    toggle.checked = Boolean(sub) && Notification.permission === "granted";
    toggle.parentElement.hidden = false;
  });
  toggle.addEventListener("change", () => {
    toggle.disabled = true;
    (toggle.checked ? on() : off())
      .then(say, (error) => {
        toggle.checked = !toggle.checked;
        // The wallet's own messages (Chinese or Mongolian) are shown; a browser's own error is not.
        say(error.message && /[\u4e00-\u9fff\u1800-\u18af]/.test(error.message) ? error.message : text("failed"));
      })
      .finally(() => { toggle.disabled = false; });
  });
})();

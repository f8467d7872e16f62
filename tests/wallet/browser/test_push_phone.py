"""Web Push in Chromium on a phone: the resident turns 接收推送提醒 on (the page asks permission and hands
the subscription to the wallet), a reminder is delivered as a push message through the DevTools protocol
to the service worker, which shows it; tapping it opens the bill it is about. Turning it off forgets it.

Chromium's own push service cannot be reached from these machines, so ``pushManager.subscribe`` answers
with a subscription made here (its keys are real); the sender's half is tested against a push-service
stand-in (tests/wallet/reminders/test_web_push.py).
"""

from __future__ import annotations

import json
from datetime import timedelta

from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import select

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.page_waits import wait_until
from tests.support.push_service import Subscriber
from tests.support.visual import check_page
from tests.wallet.authorization.fixtures import claimable, collect, demo_units, grant, resident_id_of  # noqa: F401
from tests.wallet.browser.resident_sign_in import log_in_first_time
from tests.wallet.reminders.making import NOW, remind_at
from wallet.extensions import db
from wallet.models import Bill, Claim, PushMessage, PushSubscription

# pushManager.subscribe/getSubscription answer with this browser's subscription (see the module docstring).
FAKE_PUSH = """
(() => {
  const made = %s;
  const kept = () => sessionStorage.getItem("subscribed") === "yes";
  const drop = () => { sessionStorage.removeItem("subscribed"); return Promise.resolve(true); };
  const sub = { endpoint: made.endpoint, toJSON: () => made, unsubscribe: drop };
  PushManager.prototype.subscribe = function () {
    sessionStorage.setItem("subscribed", "yes");
    return Promise.resolve(sub);
  };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(kept() ? sub : null); };
})();
"""
NOTIFICATIONS = """() => navigator.serviceWorker.getRegistration('/')
  .then((reg) => reg.getNotifications())
  .then((shown) => shown.map((n) => ({ title: n.title, body: n.body, url: n.data.url })))"""
ACTIVE_WORKER = """() => navigator.serviceWorker.getRegistration('/')
  .then((reg) => Boolean(reg && reg.active && reg.active.state === 'activated'))"""
TAP = """async () => {
  const [shown] = await self.registration.getNotifications();
  self.__opened = [];
  self.clients.openWindow = (url) => { self.__opened.push(url); return Promise.resolve(null); };
  try { self.dispatchEvent(new NotificationEvent('notificationclick', { notification: shown })); } catch (_) {}
  return self.__opened;
}"""


def subscriptions(wallet_app) -> list[str]:
    with wallet_app.app_context():
        return list(db.session.scalars(select(PushSubscription.endpoint)))


def registrations_of(page: Page, found: list[dict], origin: str) -> list[dict]:
    """The live registrations of ``origin`` among what DevTools reported, once it has reported them.

    DevTools sends them as events after ``ServiceWorker.enable`` answers, and a busy machine sends
    them later than the next round trip to the page: so wait for them, for up to ten seconds."""
    for _ in range(100):
        scoped = [r for r in found if r["scopeURL"] == f"{origin}/" and not r["isDeleted"]]
        if scoped:
            return scoped
        page.wait_for_timeout(100)  # the events are taken while Playwright waits
    return []


def deliver_push(context: BrowserContext, page: Page, origin: str, data: str) -> None:
    """What a push service would deliver, handed to the push worker through DevTools, until it shows.

    Only an activated worker takes a push: one still installing (the push switch may have just
    registered it) drops it without a word, and no notification ever shows. And DevTools hands the
    push to a stopped worker by starting it, which a busy machine can take longer to do than the
    push may wait: the push is lost, as a real push service's would be until it sent again. So the
    push is sent again, as that service does, a few times; a handler that shows nothing fails all."""
    wait_until(page, ACTIVE_WORKER)
    cdp = context.new_cdp_session(page)
    found: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: found.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    scoped = registrations_of(page, found, origin)
    assert scoped, found
    for _ in range(3):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": origin, "registrationId": scoped[0]["registrationId"], "data": data},
        )
        try:
            wait_until(page, f"() => ({NOTIFICATIONS})().then((shown) => shown.length > 0)", timeout=10000)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError("the push was delivered three times and no notification showed")


def test_a_pushed_reminder_is_shown_and_opens_its_bill(
    system, seeded_idp, network, demo_units, fiscal_client, wallet_app, context: BrowserContext, page: Page
):
    browser_sub = Subscriber("https://push.example.org/send/phone-1")
    made = {"endpoint": browser_sub.endpoint, "keys": {"p256dh": browser_sub.p256dh, "auth": browser_sub.auth}}
    context.grant_permissions(["notifications"])
    context.add_init_script(FAKE_PUSH % json.dumps(made))
    log_in_first_time(page, "乌日娜")
    rid = collect(wallet_app, fiscal_client, "p1")
    [bill_id] = claimable(wallet_app, rid, 1)
    [claim_id] = grant(wallet_app, rid, demo_units["agency"], [bill_id])
    with wallet_app.app_context():  # the agency locked it; the lock lapses in 20 hours with no feedback yet
        claim = db.session.get_one(Claim, claim_id)
        claim.state, claim.locked_at, claim.lock_expires_at = "locked", NOW, NOW + timedelta(hours=20)
        db.session.commit()
        bill = db.session.get_one(Bill, bill_id)
        label, number = f"{bill.code}-{bill.number}", bill.number

    page.goto("/me")
    page.get_by_role("link", name="提醒设置：提醒类型、汇总、推送").click()
    switch = page.get_by_role("switch", name="接收推送提醒")
    expect(switch).to_be_visible()
    expect(switch).not_to_be_checked()
    check_page(page, "reminder-settings")
    switch.check()
    expect(page.locator("#push-status")).to_have_text("已开启推送提醒。")
    assert subscriptions(wallet_app) == [browser_sub.endpoint]

    with wallet_app.app_context():  # the demo bills bring claim-window reminders of their own besides
        assert remind_at(NOW) >= 1
        payload = next(p for p in db.session.scalars(select(PushMessage.payload)) if "锁定即将到期" in p)
    deliver_push(context, page, system.url, payload)
    [shown] = page.evaluate(NOTIFICATIONS)
    assert shown["title"] == "锁定即将到期" and label in shown["body"] and "尚未反馈" in shown["body"]
    assert shown["url"] == f"/bills/{bill_id}#bill-authorizations"

    # The push just woke the worker; Playwright may learn of it a moment after the notification shows.
    # One worker holds the offline copies and the push handlers (static/js/sw.js imports push-sw.js).
    worker = next((w for w in context.service_workers if w.url.endswith("/sw.js")), None) or (
        context.wait_for_event("serviceworker", lambda w: w.url.endswith("/sw.js"), timeout=10000)
    )
    assert worker.evaluate(TAP) == [f"{system.url}/bills/{bill_id}#bill-authorizations"]
    wait_until(page, f"() => ({NOTIFICATIONS})().then((shown) => shown.length === 0)")  # tapped: closed
    page.goto(f"/bills/{bill_id}#bill-authorizations")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("#bill-authorizations")).to_contain_text("锁定")
    assert number in page.locator("main").inner_text()

    page.goto("/notifications")
    expect(page.get_by_role("link", name="查看处理单位")).to_have_attribute(
        "href", f"/bills/{bill_id}#bill-authorizations"
    )
    page.goto("/reminders")
    expect(page.get_by_role("link", name="查看处理单位")).to_be_visible()
    check_page(page, "reminder-list")

    page.goto("/reminders/settings")
    expect(switch).to_be_checked()
    switch.uncheck()
    expect(page.locator("#push-status")).to_have_text("已关闭推送提醒。")
    assert subscriptions(wallet_app) == []

"""The resident's notification centre, access history, and what the live channel checks on each poll.

Time alone changes some things (an authorization lapses, a lock expires) with nobody
acting; the resident's open pages poll ``/live`` every second, so that poll first records
any such change for this resident — which bumps the change sequence it then reports.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from wallet.extensions import db
from wallet.models.authorization import Notification
from wallet.models.bill import Bill
from wallet.models.collection import SyncState
from wallet.models.resident import Resident
from wallet.presenters.linked_bill import LinkedBill, linked_bill
from wallet.resident import bp
from wallet.resident.holder import holder, holder_id
from wallet.services import activity, authorizations


def _resident() -> Resident | None:
    user = current_user._get_current_object()
    return user if isinstance(user, Resident) else None


def _sync() -> SyncState | None:
    resident = _resident()
    return resident.current_sync_state() if resident is not None else db.session.get(SyncState, current_user.id)


@bp.before_request
def record_time_based_changes() -> None:
    if request.endpoint == "resident.live" and _resident() is not None:
        authorizations.sweep(resident_id=holder_id())


@bp.app_context_processor
def notification_badge() -> dict[str, Any]:
    def unread() -> int:
        resident = _resident()
        if resident is None:
            return 0
        # Kept in the sync state by every writer of notifications; that row came with the resident.
        return activity.unread_count(resident.id, _sync())

    return {"unread_notifications": unread, "access_kinds": activity.ACCESS_KINDS}


def red_links(items: list[Notification]) -> dict[int, LinkedBill]:
    """For a notice about a red-reversed bill: the red bill that replaced it, to link to."""
    links = {}
    for n in items:
        bill = db.session.get(Bill, n.bill_id) if n.bill_id else None
        link = linked_bill(bill, "red_bill") if bill is not None and bill.issuance == "red_reversed" else None
        if link is not None and n.kind == "expired":
            links[n.id] = link
    return links


def _notification_context() -> dict[str, Any]:
    items = activity.recent_notifications(current_user.id)
    return {"items": items, "red_links": red_links(items)}


@bp.get("/notifications")
@login_required
def notifications() -> str:
    return render_template(
        "wallet/authorize/notifications.html", active_tab="me", sync=_sync(), **_notification_context()
    )


@bp.get("/notifications/list")
@login_required
def notification_list() -> str:
    return render_template("wallet/authorize/_notification_list.html", **_notification_context())


@bp.post("/notifications/read")
@login_required
def read_notifications() -> Any:
    activity.mark_all_read(current_user.id)
    return redirect(url_for("resident.notifications"), code=303)


@bp.get("/notifications/badge")
@login_required
def notification_badge_partial() -> str:
    return render_template("wallet/authorize/_badge.html")


@bp.get("/access-history")
@login_required
def access_history() -> str:
    return render_template(
        "wallet/authorize/access_history.html",
        active_tab="me",
        sync=holder().current_sync_state(),
        events=activity.access_history(holder_id()),
    )


@bp.get("/access-history/list")
@login_required
def access_history_list() -> str:
    return render_template("wallet/authorize/_access_list.html", events=activity.access_history(holder_id()))

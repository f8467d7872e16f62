"""What "nothing changed" means for a refused API call: the wallet's rows and the network's status."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from wallet.clients.fiscal import FiscalClient
from wallet.extensions import db
from wallet.models import AccessEvent, ApiIdempotentReply, Bill, Claim, Notification


def snapshot(wallet_app: Any, fiscal_client: FiscalClient) -> dict[str, Any]:
    with wallet_app.app_context():
        db.session.remove()
        claims = db.session.scalars(select(Claim).order_by(Claim.id)).all()
        state = {
            "claims": [(a.id, a.state, a.locked_at, a.amount, a.serial, a.closed_at) for a in claims],
            "bills": db.session.execute(
                select(Bill.id, Bill.reimbursement, Bill.reimbursed_amount, Bill.version).order_by(Bill.id)
            ).all(),
            "access_events": db.session.scalar(select(func.count(AccessEvent.id))),
            "notifications": db.session.scalar(select(func.count(Notification.id))),
            "kept_replies": db.session.scalar(select(func.count()).select_from(ApiIdempotentReply)),
        }
        codes = [(a.bill.code, a.bill.number) for a in claims]
        db.session.remove()
    state["network"] = [fiscal_client.bill(code, number)["status"] for code, number in codes]
    return state


def claim_state(wallet_app: Any, auth_id: int) -> Claim:
    with wallet_app.app_context():
        db.session.remove()
        auth = db.session.get(Claim, auth_id)
        assert auth is not None
        db.session.expunge(auth)
        return auth

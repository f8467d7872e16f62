"""蒙速办 login for residents: OIDC client, sessions, activation of the account, step-up, logout.

Public contract: routes ``auth.login`` (GET /login), ``auth.callback`` (GET /auth/callback),
``auth.activate`` (GET/POST /activate), ``auth.logout`` (POST /logout), ``auth.step_up``
(GET /auth/step-up); ``current_user`` is a ``wallet.models.Resident``; sensitive views use
``wallet.auth.stepup.step_up_required``.
"""

from urllib.parse import urlsplit

from flask import Blueprint, Flask

from wallet.auth.provider import init_provider
from wallet.auth.sessions import init_sessions

bp = Blueprint("auth", __name__)


def init_auth(app: Flask) -> None:
    """Bind sessions and the provider client to ``app``; forms may end at the provider (logout)."""
    init_sessions(app)
    init_provider(app)
    discovery = urlsplit(app.config["OIDC_DISCOVERY_URL"])
    extra = app.config.get("FORM_ACTION_EXTRA", "")
    app.config["FORM_ACTION_EXTRA"] = f"{extra} {discovery.scheme}://{discovery.netloc}".strip()


from wallet.auth import views  # noqa: E402,F401  (routes register on import)

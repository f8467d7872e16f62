"""Every extension instance of the wallet, created unbound and bound in ``create_app``."""

from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from common.database import make_db

if TYPE_CHECKING:
    from common.database import TypedModel

db = make_db()
# The models' base: db.Model at run time, a class type checkers can follow when checking.
if TYPE_CHECKING:
    Model = TypedModel
else:
    Model = db.Model
csrf = CSRFProtect()
login_manager = LoginManager()
# Counts in RATELIMIT_STORAGE_URI; views choose their own limits (no default limit applies).
limiter = Limiter(key_func=get_remote_address)

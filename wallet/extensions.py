"""Every extension instance of the wallet, created unbound and bound in ``create_app``."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from common.database import make_db

db = make_db()
csrf = CSRFProtect()
login_manager = LoginManager()
# Counts in RATELIMIT_STORAGE_URI; views choose their own limits (no default limit applies).
limiter = Limiter(key_func=get_remote_address)

"""Every extension instance of the wallet, created unbound and bound in ``create_app``."""
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from common.database import make_db

db = make_db()
csrf = CSRFProtect()
login_manager = LoginManager()

"""Every extension instance of this stub, bound in ``create_app``."""
from flask_wtf.csrf import CSRFProtect

from common.database import make_db

db = make_db()
csrf = CSRFProtect()

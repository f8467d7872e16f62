"""Every extension instance of this stub, bound in ``create_app``."""
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from flask_wtf.csrf import CSRFProtect

from common.database import make_db

db = make_db()
csrf = CSRFProtect()
authorization = AuthorizationServer()
require_oauth = ResourceProtector()

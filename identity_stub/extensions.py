"""Every extension instance of this stub, bound in ``create_app``."""

from typing import TYPE_CHECKING

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
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
authorization = AuthorizationServer()
require_oauth = ResourceProtector()

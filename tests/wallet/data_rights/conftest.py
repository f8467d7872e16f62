from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.authorization.fixtures import (collected, demo_units, resident_client,  # noqa: F401  (fixtures)
                                                 stub_browser, unit_logins)

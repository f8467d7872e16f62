from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.authorization.fixtures import demo_units, stub_browser  # noqa: F401  (fixtures)

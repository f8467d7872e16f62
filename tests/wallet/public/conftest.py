from tests.wallet.imports.conftest import fresh_limits, net, resident  # noqa: F401  (fixtures)
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)

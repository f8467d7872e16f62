from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.imports.conftest import resident  # noqa: F401  (fixture)

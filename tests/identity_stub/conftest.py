from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)

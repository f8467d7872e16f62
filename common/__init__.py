"""Building blocks shared by the wallet and the two stubs (settings, database, web hardening)."""

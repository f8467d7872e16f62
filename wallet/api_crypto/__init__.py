"""Cryptography of the unit integration API in standard JOSE (pure, no app state): the algorithm
registry (:mod:`.suites`) and compact JWE / detached JWS helpers (:mod:`.jose`)."""

"""Cryptography of the unit integration API: the digital envelope and request signatures (pure, no app state)."""

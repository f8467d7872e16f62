"""Smart supervision of issuing units (智能监管): the rules before issuance and the state they read.

Each module holds one concern: the clock the rules read, the one issuing guard, unit
qualification certificates, accounts and passwords, SMS codes, UKeys, bill number
batches, write-off cycles and the audit trail. Services here take the session and the
moment (``now``) explicitly; views read the moment from :mod:`fiscal_stub.supervision.clock`.
"""

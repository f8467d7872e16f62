"""Reading a bill from what a resident holds: its QR code (camera or photo) or its five elements.

Import page, public status page and unit verification all start here; they get the same
canonical :class:`FiveElements` and hand it to the fiscal network for the verdict.
"""

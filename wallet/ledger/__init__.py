"""The yearly ledger: who paid what of each bill, per person and per family, and the 大病医疗 estimate.

Everything here is computed from what the wallet already holds — the signed documents'
settlement split and the reimbursements units reported — so it needs no table of its own
and can never disagree with the bills it lists.
"""

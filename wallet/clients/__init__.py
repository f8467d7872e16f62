"""Clients for the two outside systems the wallet talks to over HTTP."""

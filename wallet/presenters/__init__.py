"""View models shared by the audiences: a bill, an authorization, a linked bill, a preview.

Every audience package (resident, unit, finance, api, public) may use them; they import only
services, policy and models, never an audience, and read all they need when they are built.
"""

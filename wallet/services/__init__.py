"""Business rules as plain functions that own their transaction; views and workers call them."""

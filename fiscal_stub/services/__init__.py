"""Business rules of the network. Each function that changes status owns its transaction."""

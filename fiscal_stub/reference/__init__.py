"""Fixed facts the simulated network is built from: provinces, bill types, names."""

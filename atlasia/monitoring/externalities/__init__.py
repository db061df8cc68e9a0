"""Negative externalities: what agents declare and what the public reports from the register,
for the owner organisation (or its regional, then national team) to triage; anonymised counts."""

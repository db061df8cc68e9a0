"""Environmental footprint of a use case: declared, measured (CodeCarbon) or estimated (EcoLogits)
energy, CO2e and water, and their sums for the dashboards."""

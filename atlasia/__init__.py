"""Atlas IA: map, prioritise, qualify, pilot, evaluate and publish public-sector AI use cases."""

__version__ = "0.1.0"

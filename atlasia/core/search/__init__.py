"""Pure search helpers: French text normalisation, a light stemmer, excerpts, rank fusion, vector maths.

No Django import here, so the same functions serve the app, the tests and the benchmarks.
"""

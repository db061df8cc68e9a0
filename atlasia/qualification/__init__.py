"""Qualification stored per use case: drafts of the questionnaire and completed, versioned results.

The rules live in the pure engine :mod:`atlasia.core.qualification`; this app stores what it computes.
"""

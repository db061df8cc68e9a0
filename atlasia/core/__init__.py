"""Pure-Python core of Atlas IA: rules and numbers, importable and testable without Django.

Nothing under ``atlasia.core`` may import Django (a consistency test checks it).
"""

"""Incidents after deployment: declaration, the status workflow checked by the core
(:mod:`atlasia.core.incidents`), the AI Act Art. 73 reporting deadline and its reminders."""

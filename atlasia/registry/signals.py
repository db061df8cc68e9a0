"""Signals of the registry for writes made in bulk (imports), which send no ``post_save`` per record.

The registry does not know who derives data from its records (the search index does); it announces:

- ``usecases_bulk_saved(use_case_ids, use_cases, in_batch)``: records were created or updated in the
  current transaction (``use_cases``: the saved instances, their foreign keys loaded). ``in_batch`` is
  true when the write is one chunk of a longer batch (an import written in several transactions): the
  work that can wait (embeddings) then waits for the end of the batch.
- ``usecases_batch_finished(use_case_ids)``: the batch is over; every record it wrote is listed once.
"""

from __future__ import annotations

from django.dispatch import Signal

usecases_bulk_saved = Signal()
usecases_batch_finished = Signal()

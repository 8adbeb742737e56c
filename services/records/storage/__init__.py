"""Records' storage: the only package that touches the records service's MongoDB database.

- `teachers`: one document per teacher, its entries embedded, its history; every write one
  optimistic `update_one({_id, version})`.
- `summaries`: per-school counts and per-org roll-ups, so progress and statistics never read a
  subtree's records.
- `jobs`: import jobs and their uploaded workbooks (GridFS).

Nothing outside this package imports pymongo for records.
"""

from __future__ import annotations

from services.records.storage.jobs import Job, JobStore, job_of
from services.records.storage.summaries import DIMENSIONS, PROGRESS, Summaries
from services.records.storage.teachers import Chunks, DuplicatePerson, Storage

__all__ = ["DIMENSIONS", "Chunks", "PROGRESS", "DuplicatePerson", "Job", "JobStore", "Storage", "Summaries", "job_of"]

"""Review states. A record that was never submitted has no stored state: it is DRAFT."""
from __future__ import annotations

from services.review.model import ReviewState
from services.review.storage import Storage
from tmis.auth import Caller


class States:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def get(self, caller: Caller, teacher_ids: list[str]) -> list[ReviewState]:
        caller.require()
        ids = list(dict.fromkeys(teacher_ids[:1000]))
        stored = {s.teacher_id: s for s in await self.storage.get_states(ids)}
        out = []
        for teacher_id in ids:
            state = stored.get(teacher_id)
            if state is None:
                out.append(ReviewState(teacher_id, "DRAFT"))
            elif caller.service or caller.reaches(state.org_path):
                out.append(state)
        return out

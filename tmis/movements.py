"""Movements (调动, 减员, 重新入职) as every process names them: the review service that runs them
and the gateway that shows them share these, so neither keeps a copy."""

from __future__ import annotations

__all__ = ["MOVEMENT_KINDS", "MOVEMENT_STATUSES", "OPEN_MOVEMENT"]

MOVEMENT_KINDS = ("TRANSFER", "LEAVE", "RETURN")
MOVEMENT_STATUSES = ("AWAITING_RECEIVER", "SUBMITTED", "APPROVED", "REJECTED", "DECLINED", "WITHDRAWN")
# a movement still to be decided: it holds its record (one open change or movement per record)
OPEN_MOVEMENT = ("AWAITING_RECEIVER", "SUBMITTED")

"""Records' side of review: the review service (a service caller only) pushes each review
state here; records freezes a record while it is under review and keeps what was approved.

`Storage.set_review_status` applies a push only when its sequence number is newer than the
stored one, so the review service may retry a push any number of times (after a crash, a
timeout, a lost reply) and records converges on the latest state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets

from services.records import access
from services.records.derived import diff
from services.records.model import Change, Teacher
from services.records.storage import Storage
from services.records.teachers import STATUS
from services.records.validation import Problem
from tmis.auth import Caller
from tmis.errors import DomainError, ErrorCode

RESIDENT_ID = "1"  # 居民身份证: the only document the national population database verifies


def region_of(teacher: Teacher) -> str:
    """The 6-digit administrative code of the school's nearest ancestor that has one."""
    return next((c for c in reversed(teacher.org_path[:-1]) if len(c) == 6 and c.isdigit()), "000000")


def changes_since_approval(teacher: Teacher) -> list[Change]:
    """Field-level changes from the record as last approved to the record now."""
    if teacher.approved is None:
        return []
    return diff(teacher.approved, teacher, "", teacher.updated_at or dt.datetime.now(dt.UTC))


class ReviewLink:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @staticmethod
    def _service_only(caller: Caller) -> None:
        if not access.service_only(caller):
            raise access.not_the_service()

    async def set_status(
        self,
        caller: Caller,
        teacher_id: str,
        status: str,
        seq: int,
        snapshot: bool,
        restore: bool = False,
        check_duplicates: bool = False,
    ) -> list[Problem]:
        """Nothing when applied (now or before); else why not (deleted, incomplete: what is missing,
        or a key change whose 查重 found a look-alike). `restore`: a change given up, the approved
        version comes back (its history rows say so)."""
        self._service_only(caller)
        if status not in STATUS or seq < 1:
            raise DomainError(ErrorCode.INVALID_INPUT, "审核状态无效", "status")
        if check_duplicates and (found := await self.storage.get([teacher_id])):
            teacher = found[0]
            alikes = await self.storage.look_alikes(teacher, teacher.org_path[1]) if len(teacher.org_path) > 1 else []
            if alikes:
                names = "、".join(f"{t.basic.get('name', '')}（{t.school_code}）" for t in alikes)
                return [Problem("DUPLICATE_PERSON", f"与 {names}疑似为同一人，请核实后处理", "basic.idNumber")]

        def restored(old: Teacher, new: Teacher) -> list[Change]:
            return diff(old, new, "撤回变更", old.updated_at or dt.datetime.now(dt.UTC))

        outcome, missing = await self.storage.set_review_status(
            teacher_id, status, seq, snapshot, restored if restore else None
        )
        if outcome == "missing":
            return [Problem("NOT_FOUND", "教师信息不存在，可能已被删除", "teacherId")]
        if outcome == "incomplete":
            return [Problem("INCOMPLETE", f"信息不完整，不能报送：缺少 {path}", path) for path in missing]
        return []

    async def assign_personal_code(
        self, caller: Caller, teacher_id: str, formal: bool, letter: str, renew: bool = False
    ) -> Teacher:
        """临时个人标识码 (L + region + birth date + 4 random digits, unique) once 省内查重 finds no
        look-alike, or the formal one (type letter + 身份证件号) once identity is verified. Idempotent.
        `renew` (after a key change): a new temporary code when the document or birth date the
        held one was issued for changed; the old code stays in the history."""
        self._service_only(caller)
        found = await self.storage.get([teacher_id])
        if not found:
            raise DomainError(ErrorCode.NOT_FOUND, "教师信息不存在", "teacherId")
        teacher = found[0]
        key = ":".join(str(teacher.basic.get(k, "")) for k in ("idType", "idNumber", "birthDate"))
        if teacher.status != "APPROVED":
            raise DomainError(ErrorCode.WRONG_STATE, "只有审核通过的记录才能生成个人标识码", "teacherId")
        if formal:
            if teacher.basic.get("idType") != RESIDENT_ID:
                raise DomainError(ErrorCode.INVALID_INPUT, "非居民身份证的教师暂不能生成正式个人标识码", "teacherId")
            code = f"{letter or 'G'}{teacher.basic['idNumber']}"
            if teacher.personal_code != code and not await self.storage.set_personal_code(teacher, code, True, key):
                raise DomainError(
                    ErrorCode.ALREADY_EXISTS, "该正式个人标识码已被其他记录使用，请核查重复人员", "teacherId"
                )
            return dataclasses.replace(teacher, personal_code=code, personal_code_formal=True)
        if teacher.personal_code and not (renew and teacher.personal_code_key not in ("", key)):
            return teacher
        if len(teacher.org_path) > 1 and (alikes := await self.storage.look_alikes(teacher, teacher.org_path[1])):
            names = "、".join(f"{t.basic.get('name', '')}（{t.school_code}）" for t in alikes)
            raise DomainError(
                ErrorCode.DUPLICATE_PERSON, f"省内查重未通过：与 {names}疑似为同一人，请核实后处理", "teacherId"
            )
        birth = str(teacher.basic.get("birthDate", "")).replace("-", "")[:8].ljust(8, "0")
        for _ in range(50):
            code = f"L{region_of(teacher)}{birth}{secrets.randbelow(10_000):04d}"
            if await self.storage.set_personal_code(teacher, code, False, key):
                return dataclasses.replace(teacher, personal_code=code, personal_code_formal=False)
            fresh = await self.storage.get([teacher_id])
            if fresh and fresh[0].personal_code != teacher.personal_code:  # another call issued one meanwhile
                return fresh[0]
        raise DomainError(ErrorCode.INTERNAL, "临时个人标识码已用尽，请联系管理员")

    async def move(
        self, caller: Caller, teacher_id: str, school_code: str, school_type: str, path: list[str], actor: str
    ) -> Teacher:
        """调动 / 重新入职: the record, its history and photo to another school. Idempotent."""
        self._service_only(caller)
        if not school_code or not path or path[-1] != school_code:
            raise DomainError(ErrorCode.INVALID_INPUT, "目标学校无效", "schoolCode")
        found = await self.storage.get([teacher_id])
        if not found:
            raise DomainError(ErrorCode.NOT_FOUND, "教师信息不存在", "teacherId")
        await self.storage.move(found[0], school_code, school_type, path, actor)
        return (await self.storage.get([teacher_id]))[0]

    async def by_document(self, caller: Caller, id_type: str, id_number: str) -> list[Teacher]:
        """重新入职: the record of a person, wherever it is (the review service decides who may know)."""
        self._service_only(caller)
        return [
            t for t in await self.storage.by_identity([id_number.strip().upper()]) if t.basic.get("idType") == id_type
        ]

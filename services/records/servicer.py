"""gRPC adapter of the records service."""
from __future__ import annotations

from collections.abc import Mapping

import grpc
from google.protobuf import json_format, struct_pb2

from services.records.model import Teacher
from services.records.teachers import Teachers
from tmis.codes import CodeTable
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.proto.records.v1 import records_pb2_grpc
from tmis.rpc import current_caller


def teacher_pb(teacher: Teacher) -> pb.Teacher:
    basic = struct_pb2.Struct()
    basic.update(teacher.basic)
    return pb.Teacher(id=teacher.id, version=teacher.version, school_code=teacher.school_code, basic=basic)


PUBLIC_METHODS = ("/tmis.records.v1.RecordsService/ListCodeTables",)


def code_table_pb(table: CodeTable) -> pb.CodeTable:
    return pb.CodeTable(
        name=table.name,
        label=table.label,
        entries=[pb.Code(code=e.code, name=e.name, parent=e.parent or "") for e in table.entries],
        exclusive=sorted(table.exclusive),
        partial=table.partial,
    )


class RecordsServicer(records_pb2_grpc.RecordsServiceServicer):
    def __init__(self, teachers: Teachers, code_tables: Mapping[str, CodeTable]) -> None:
        self.teachers = teachers
        self.code_tables = code_tables

    async def ListCodeTables(self, request: pb.ListCodeTablesRequest, context: grpc.aio.ServicerContext) -> pb.CodeTableList:
        names = list(dict.fromkeys(request.names))[:100]
        return pb.CodeTableList(tables=[code_table_pb(self.code_tables[n]) for n in names if n in self.code_tables])

    async def CreateTeacher(self, request: pb.CreateTeacherRequest, context: grpc.aio.ServicerContext) -> pb.Teacher:
        basic = json_format.MessageToDict(request.basic)
        return teacher_pb(await self.teachers.create(current_caller(), request.school_code, basic))

    async def BatchGetTeachers(self, request: pb.BatchGetTeachersRequest, context: grpc.aio.ServicerContext) -> pb.TeacherList:
        found = await self.teachers.get(current_caller(), list(request.ids))
        return pb.TeacherList(teachers=[teacher_pb(t) for t in found])

    async def ListSchoolRoster(self, request: pb.ListSchoolRosterRequest, context: grpc.aio.ServicerContext) -> pb.Roster:
        found = await self.teachers.roster(current_caller(), request.school_code)
        return pb.Roster(
            teachers=[pb.RosterEntry(teacher_id=t.id, name=t.basic["name"], id_type=t.basic["idType"], id_number=t.basic["idNumber"]) for t in found]
        )

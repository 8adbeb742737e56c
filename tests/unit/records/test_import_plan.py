"""The import plan (`services/records/import_plan.py`): which rows become which writes, with plain
rows and records, no workbook, database or process. Each test one rule."""

from __future__ import annotations

import dataclasses
from typing import Any

from services.records.import_plan import Batch, ImportPlan, Outcome, Row
from services.records.model import Teacher
from services.records.storage import DuplicatePerson
from services.records.writes import MAX_ENTRIES_PER_SET
from tests.unit.records.conftest import (
    EDUCATION,
    PATH_A,
    SCHOOL_A,
    SCHOOL_B,
    basic,
    caller,
    entry_row,
    key,
    plan_for,
    record,
    row,
    sheet,
    stored_entry,
    with_entries,
)

BASIC = sheet("BASIC")


def errors(out: Outcome) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in out.errors]


def entries(plan: ImportPlan, set_key: str, rows: list[Row], *records: Teacher) -> Batch:
    """A part of a sub-table's rows planned, `records` stored."""
    return plan.entries(sheet(set_key), ImportPlan.groups(rows), {key(t): t for t in records})


# 基本信息


def test_a_new_person_is_an_insert_and_twice_in_the_file_an_error_row() -> None:
    plan = plan_for()
    values = basic(1)
    batch = plan.basic(BASIC, [row(2, values), row(3, values)], {})
    assert [(t.school_code, t.status, t.basic["idNumber"]) for t, _ in batch.inserts] == [
        (SCHOOL_A.code, "DRAFT", values["idNumber"])
    ]
    assert errors(batch.out) == [(3, "身份证件号", "与第2行是同一人（身份证件号重复）")]
    # the next chunk's lookup may find the record this chunk wrote (it is looked up while this one
    # commits): the person is still in the file twice, not a record to update
    written = dataclasses.replace(batch.inserts[0][0], id="written")
    later = plan.basic(BASIC, [row(1002, values)], {key(written): written})
    assert not later.inserts and not later.writes
    assert errors(later.out) == [(1002, "身份证件号", "与第2行是同一人（身份证件号重复）")]
    # a chunk committed by an earlier run of the job counts as rows above
    again = plan_for()
    again.remember([row(2, values)])
    assert errors(again.basic(BASIC, [row(1002, values)], {}).out) == [
        (1002, "身份证件号", "与第2行是同一人（身份证件号重复）")
    ]


def test_an_insert_is_derived_and_counted_for_completeness_as_a_manual_save_is() -> None:
    inserted = plan_for().basic(BASIC, [row(2, basic(1))], {}).inserts[0][0]
    assert inserted == plan_for().writes.finish(dataclasses.replace(inserted, missing=(), warnings=()))
    assert "education" in inserted.missing


def test_a_person_of_another_school_is_a_conflict_told_as_create_teacher_tells_it() -> None:
    elsewhere = record(1, SCHOOL_B, status="APPROVED")
    batch = plan_for().basic(BASIC, [row(2, basic(1))], {key(elsewhere): elsewhere})
    assert not batch.inserts and not batch.writes
    assert errors(batch.out) == [
        (2, "身份证件号", "该身份证件号的教师已在其他学校登记，不能重复录入；调入请走调动流程")
    ]
    # a clerk of the city, whose subtree holds both schools, is told where
    city = plan_for(acting=caller("DATA_ENTRY", PATH_A[:3]))
    assert (
        f"其他学校（{SCHOOL_B.code}）"
        in errors(city.basic(BASIC, [row(2, basic(1))], {key(elsewhere): elsewhere}).out)[0][2]
    )
    left = record(1, SCHOOL_B, status="LEFT")
    assert "重新入职" in errors(plan_for().basic(BASIC, [row(2, basic(1))], {key(left): left}).out)[0][2]


def test_an_unchanged_row_writes_nothing_and_a_changed_one_updates_its_record() -> None:
    stored = record(1)
    plan = plan_for()
    batch = plan.basic(BASIC, [row(2, basic(1)), row(3, basic(2))], {key(stored): stored})
    assert (batch.out.unchanged, batch.out.unchanged_rows, len(batch.inserts), batch.writes) == (1, 1, 1, [])
    changed = plan_for().basic(BASIC, [row(2, basic(1, name="王五"))], {key(stored): stored})
    [(old, new, rows)] = changed.writes
    assert (old, new.basic["name"], new.version, [r.kind for r in rows]) == (
        stored,
        "王五",
        stored.version,
        ["updated"],
    )


def test_a_column_the_sheet_lacks_keeps_what_the_record_has() -> None:
    stored = record(1, remarks="老教师")
    without = sheet("BASIC", without=("remarks",))
    values = {k: v for k, v in basic(1, name="王五").items() if k != "remarks"}
    [(_, new, _)] = plan_for().basic(without, [row(2, values)], {key(stored): stored}).writes
    assert (new.basic["name"], new.basic["remarks"]) == ("王五", "老教师")


def test_values_of_a_removed_plugin_field_are_kept_and_not_compared() -> None:
    stored = record(1, gsRural="1")
    values = {k: v for k, v in stored.basic.items() if k != "gsRural"}
    plan = plan_for()
    assert plan.basic(BASIC, [row(2, basic(1))], {key(stored): stored}).out.unchanged == 1
    [(_, new, _)] = plan_for().basic(BASIC, [row(2, {**values, "name": "王五"})], {key(stored): stored}).writes
    assert (new.basic["gsRural"], new.basic["name"]) == ("1", "王五")


def test_a_bad_value_is_an_error_row_naming_its_column() -> None:
    batch = plan_for().basic(BASIC, [row(2, basic(1, gender="3"))], {})
    assert not batch.inserts and [(r, c) for r, c, _ in errors(batch.out)] == [(2, "性别")]


def test_records_under_review_are_refused_and_approved_ones_reopened_only_by_an_update() -> None:
    submitted, approved = record(1, status="SUBMITTED"), record(2, status="APPROVED")
    existing = {key(submitted): submitted, key(approved): approved}
    rows = [row(2, basic(1, name="王五")), row(3, basic(2, name="赵六"))]
    refused = plan_for().basic(BASIC, rows, existing)
    assert [m for _, _, m in errors(refused.out)] == [
        "该教师信息已报送，审核期间不能修改",
        "该教师信息已审核通过；如需修改，请先发起信息变更",
    ]
    reopening = plan_for(reopens=True)
    batch = reopening.basic(BASIC, [row(2, basic(1, name="王五")), row(3, basic(2, name="赵六"))], existing)
    assert [old.id for old, _, _ in batch.writes] == [approved.id] and reopening.approved(batch) == [approved]


def reopening_batch() -> tuple[ImportPlan, Any, Teacher]:
    approved = record(2, status="APPROVED")
    plan = plan_for(reopens=True)
    return plan, plan.basic(BASIC, [row(3, basic(2, name="赵六"))], {key(approved): approved}), approved


def test_a_reopened_record_is_written_at_the_version_reopening_left_it() -> None:
    plan, batch, approved = reopening_batch()
    fresh = dataclasses.replace(approved, status="CHANGING", version=approved.version + 1)
    plan.reopened(BASIC, batch, {}, {approved.id: fresh})
    [(old, new, _)] = batch.writes
    assert (old, new.version, new.status, new.basic["name"]) == (fresh, fresh.version, "CHANGING", "赵六")


def test_a_record_not_reopened_or_changed_meanwhile_is_a_failed_row() -> None:
    plan, batch, approved = reopening_batch()
    plan.reopened(BASIC, batch, {approved.id: "该教师已有进行中的信息变更"}, {})
    assert (batch.writes, [m for _, _, m in errors(batch.out)]) == (
        [],
        ["不能发起信息变更：该教师已有进行中的信息变更"],
    )
    plan, batch, approved = reopening_batch()
    saved = dataclasses.replace(approved, status="CHANGING", basic={**approved.basic, "name": "钱七"})
    plan.reopened(BASIC, batch, {}, {approved.id: saved})
    assert (batch.writes, [m for _, _, m in errors(batch.out)]) == (
        [],
        ["该教师信息刚被他人修改或已报送，未导入，请重新导入"],
    )


def test_a_chunk_settles_with_inserts_refused_where_the_person_was_registered_meanwhile() -> None:
    plan = plan_for()
    stored = record(1)
    batch = plan.basic(
        BASIC, [row(2, basic(2)), row(3, basic(3)), row(4, basic(1, name="王五"))], {key(stored): stored}
    )
    out = plan.settled(BASIC, batch, {1: DuplicatePerson(SCHOOL_A.code, SCHOOL_A.path, "DRAFT")}, {stored.id})
    assert (out.inserted, out.updated, out.succeeded, out.failed) == (1, 0, 1, 2)
    assert [(r, m) for r, _, m in errors(out)] == [
        (3, "该身份证件号的教师已在本校（示范小学）登记，不能重复录入，请在本校教师名单中查找"),
        (4, "该教师信息刚被他人修改或已报送，未导入，请重新导入"),
    ]
    assert batch.out.failed == 0  # the chunk's own outcome is left as it was


# sub-tables


def test_entry_rows_append_what_is_new_and_leave_what_is_stored() -> None:
    stored = with_entries(record(1), stored_entry("e1", "EDUCATION", EDUCATION))
    master = {**EDUCATION, "education": "14", "degreeLevel": "3", "degree": "305"}
    master |= {"startMonth": "2006-09", "endMonth": "2009-07"}
    rows = [entry_row(2, stored, **EDUCATION), entry_row(3, stored, **master), entry_row(4, stored, **master)]
    batch = entries(plan_for(), "EDUCATION", rows, stored)
    [(_, new, went)] = batch.writes
    assert [r.kind for r in went] == ["unchanged", "new", "unchanged"]  # (the third: equal to a row above)
    assert [e.id for e in new.entries][0] == "e1" and len(new.entries) == 2
    assert (batch.out.appended, batch.out.removed, new.basic["highestEducation"]) == (1, 0, "14")


def test_entry_rows_replace_the_set_keeping_the_ids_of_equal_entries() -> None:
    gone = {**EDUCATION, "institution": "兰州大学"}
    stored = with_entries(record(1), stored_entry("e1", "EDUCATION", EDUCATION), stored_entry("e2", "EDUCATION", gone))
    batch = entries(plan_for("REPLACE"), "EDUCATION", [entry_row(2, stored, **EDUCATION)], stored)
    [(_, new, _)] = batch.writes
    assert [e.id for e in new.entries] == ["e1"] and (batch.out.appended, batch.out.removed) == (0, 1)
    same = [entry_row(2, stored, **EDUCATION), entry_row(3, stored, **gone)]
    again = entries(plan_for("REPLACE"), "EDUCATION", same, stored)
    assert (again.writes, again.out.unchanged) == ([], 1)


def test_a_single_entry_set_is_replaced_and_never_holds_two() -> None:
    stored = with_entries(record(1), stored_entry("c1", "CONTACT", {"mobile": "13800000000"}))
    batch = entries(plan_for(), "CONTACT", [entry_row(2, stored, mobile="13900000000")], stored)
    [(_, new, went)] = batch.writes
    assert [e.data for e in new.entries_of("CONTACT")] == [{"mobile": "13900000000"}] and went[0].kind == "updated"
    two = [entry_row(2, stored, mobile="13900000000"), entry_row(3, stored, mobile="13700000000")]
    refused = entries(plan_for(), "CONTACT", two, stored)
    assert not refused.writes and {m for _, _, m in errors(refused.out)} == {"联系方式每位教师只能有一条"}


def test_the_entry_cap_is_the_manual_save_s() -> None:
    kept = [stored_entry(f"e{i}", "EDUCATION", {**EDUCATION, "major": f"专业{i}"}) for i in range(MAX_ENTRIES_PER_SET)]
    full = with_entries(record(1), *kept)
    batch = entries(plan_for(), "EDUCATION", [entry_row(2, full, **{**EDUCATION, "major": "新专业"})], full)
    assert not batch.writes and errors(batch.out) == [(2, "", f"学习经历每位教师最多{MAX_ENTRIES_PER_SET}条")]


def test_education_below_high_school_only_stands_alone() -> None:
    stored = with_entries(record(1), stored_entry("e1", "EDUCATION", EDUCATION))
    below = {k: v for k, v in EDUCATION.items() if not k.startswith("degree")}
    below |= {"education": "81", "degreeLevel": "0", "startMonth": "1980-09", "endMonth": "1986-07"}
    batch = entries(plan_for(), "EDUCATION", [entry_row(2, stored, **below)], stored)
    assert not batch.writes and "学习经历从高中" in errors(batch.out)[0][2]


def test_one_entry_a_year_counts_the_stored_entries_and_the_rows_above() -> None:
    stored = with_entries(record(1), stored_entry("a1", "ASSESSMENT", {"year": 2024, "result": "1"}))
    rows = [
        entry_row(2, stored, year=2024, result="1"),  # equal to the stored one: no second
        entry_row(3, stored, year=2024, result="2"),
        entry_row(4, stored, year=2023, result="1"),
        entry_row(5, stored, year=2023, result="2"),
    ]
    batch = entries(plan_for(), "ASSESSMENT", rows, stored)
    assert [(r, c) for r, c, _ in errors(batch.out)] == [(3, "考核年度"), (5, "考核年度")]
    [(_, new, went)] = batch.writes
    assert [r.number for r in went] == [2, 4] and len(new.entries_of("ASSESSMENT")) == 2


def test_entry_rows_of_whom_the_file_cannot_write() -> None:
    mine, other, submitted = record(1), record(2, SCHOOL_B), record(3, status="SUBMITTED")
    rows = [
        entry_row(2, mine, **{**EDUCATION, "name": "别人"}),
        entry_row(3, other, **EDUCATION),
        entry_row(4, submitted, **EDUCATION),
        entry_row(5, record(4), **EDUCATION),  # not stored
        entry_row(6, mine, **{**EDUCATION, "idNumber": ""}),
    ]
    batch = entries(plan_for(), "EDUCATION", rows, mine, other, submitted)
    assert not batch.writes
    assert [(r, c, m[:10]) for r, c, m in errors(batch.out)] == [
        (2, "姓名", "姓名“别人”与该身份"),
        (3, "身份证件号", "该身份证件号的教师已"),
        (4, "身份证件号", "该教师信息已报送，审"),
        (5, "身份证件号", "找不到该身份证件号的"),
        (6, "身份证件号", "请填写身份证件号"),
    ]


def test_a_dry_run_takes_the_records_its_basic_rows_would_create() -> None:
    plan = plan_for(dry_run=True)
    values = basic(1)
    plan.would_create(plan.basic(BASIC, [row(2, values)], {}))
    new = plan.planned[(values["idType"], values["idNumber"])]
    batch = entries(plan, "EDUCATION", [entry_row(2, new, **EDUCATION)])
    assert (batch.writes, batch.out.succeeded, batch.out.appended) == ([], 1, 1)


# reading


def test_cells_are_read_by_their_columns_and_a_bad_cell_is_an_error_of_its_column() -> None:
    plan = plan_for()
    readers = plan.readers(BASIC)
    cells = [""] * len(BASIC.columns)
    at = {c.field.key: i for i, c in BASIC.columns.items()}
    cells[at["name"]], cells[at["idNumber"]], cells[at["gender"]] = "李娜", "62010219770206002x", "男性"
    [read] = plan.rows([(2, cells)], readers)
    assert read.key == ("1", "62010219770206002X")  # type 1 when none is named; the number as stored
    assert read.values["name"] == "李娜" and list(read.errors) == ["性别"]
    assert ImportPlan.numbers([read.key, ("1", "")]) == ["62010219770206002X"]

"""GraphQL types generated from the field registry: BasicInfo, BasicInfoInput and the typed
entry inputs. A field described in the registry (a plugin's included) appears here with no
code of its own: codes read back as `Code { code name }`, months and dates as strings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NewType

import strawberry

from gateway.context import Info
from gateway.records.types import Code, info_set_enum
from tmis.proto.records.v1 import records_pb2 as pb
from tmis.registry import Field, InfoSet, Registry

EntryData = NewType("EntryData", object)
_VALUES = (str, int, float, bool, type(None))


def _entry_data(value: Any) -> dict[str, Any]:
    """An entry's fields as given: field key -> a text, number, yes/no, null or a list of those
    (codes). Nothing deeper: no field holds one, and deep values would crash the conversion."""

    def flat(item: Any) -> bool:
        return isinstance(item, _VALUES) or (isinstance(item, list) and all(isinstance(i, _VALUES) for i in item))

    if not isinstance(value, dict) or not all(flat(item) for item in value.values()):
        raise ValueError("应为“字段: 值”的对象，值为文字、数字、是或否、空值或它们的列表")
    return value


ENTRY_DATA_SCALAR = strawberry.scalar(
    name="EntryData",
    description="Opaque JSON object of the entry's fields.",
    serialize=lambda value: value,
    parse_value=_entry_data,
)

_SCALARS: dict[str, Any] = {
    "text": str,
    "code": str,
    "codes": list[str],
    "date": str,
    "month": str,
    "year": int,
    "int": int,
    "decimal": float,
    "bool": bool,
}


async def code_of(info: Info, table: str | None, value: Any) -> Code | None:
    """The code with its name from the code table (a code no longer in the table keeps its code as name)."""
    if value is None or table is None:
        return None
    loaded = await info.context.loaders.code_table_by_name.load(table)
    return Code.of(loaded.shown(str(value)) if loaded else pb.Code(code=str(value), name=str(value)))


def _output(field: Field) -> tuple[Any, Any]:
    """(annotation, resolver) of one field of an output type."""
    key = field.key

    if field.type == "code":

        async def resolve_code(root: Any, info: Info) -> Code | None:
            return await code_of(info, field.table_for(root.school_type), root.data.get(key))

        return (Code if field.always_present else Code | None), resolve_code
    if field.type == "codes":

        async def resolve_codes(root: Any, info: Info) -> list[Code]:
            table = field.table_for(root.school_type)
            return [c for c in [await code_of(info, table, v) for v in root.data.get(key) or ()] if c is not None]

        return list[Code], resolve_codes
    scalar = _SCALARS[field.type]

    def resolve_scalar(root: Any) -> Any:  # decoded by tmis/rpc/codec.py: typed by the registry
        return root.data.get(key)

    return (scalar if field.always_present else scalar | None), resolve_scalar


def output_type(name: str, info_set: InfoSet, description: str) -> type:
    """A type whose instances carry `data` (the stored dict) and `school_type`."""
    namespace: dict[str, Any] = {"__annotations__": {}}
    for field in info_set.fields:
        annotation, resolver = _output(field)
        resolver.__annotations__["return"] = annotation
        namespace[field.key] = strawberry.field(resolver=resolver, description=field.label)
    return strawberry.type(type(name, (), namespace), description=description)


def make(cls: type, data: dict[str, Any], school_type: str) -> Any:
    obj = cls()
    obj.data, obj.school_type = data, school_type
    return obj


def input_type(name: str, info_set: InfoSet, description: str, only: set[str] | None = None) -> type:
    """Every writable field (or `only` those); non-null where the public contract has it so."""
    fields = [f for f in info_set.fields if not f.derived and (only is None or f.key in only)]
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations}
    for field in sorted(fields, key=lambda f: not f.input_required):  # a dataclass wants defaults last
        scalar = _SCALARS[field.type]
        if field.input_required:
            annotations[field.key] = scalar
            namespace[field.key] = strawberry.field(description=field.label)
        else:
            annotations[field.key] = scalar | None
            namespace[field.key] = strawberry.field(default=strawberry.UNSET, description=field.label)
    return strawberry.input(type(name, (), namespace), description=description)


def input_values(value: Any) -> dict[str, Any]:
    """The fields a client set (null included: it clears), as plain JSON for the service."""
    out = {}
    for key, item in vars(value).items():
        if item is strawberry.UNSET:
            continue
        out[key] = item.isoformat() if isinstance(item, (dt.date, dt.datetime)) else item
    return out


@dataclass(frozen=True)
class RegistryTypes:
    """The types a deployment's registry decides (a plugin's sets and fields appear in them),
    made once per schema and passed to the modules that use them."""

    registry: Registry
    InfoSet: Any
    BasicInfo: Any
    BasicInfoInput: Any
    EntryInput: Any


def _entry_input(info_set: Any, typed: dict[str, Any]) -> Any:
    """EntryInput: one typed member per common set, `other` for any set (plugin sets included)."""
    other = strawberry.input(type("OtherEntryInput", (), {"__annotations__": {"set": info_set, "data": EntryData}}))
    annotations: dict[str, Any] = {member: cls | None for member, cls in typed.items()}
    annotations["other"] = other | None
    namespace: dict[str, Any] = {"__annotations__": annotations, **{member: strawberry.UNSET for member in typed}}
    namespace["other"] = strawberry.field(
        default=strawberry.UNSET,
        description="Any other set, plugin sets included: field key -> value, validated against fieldDefinitions.",
    )
    return strawberry.input(type("EntryInput", (), namespace), one_of=True, description="Exactly one member is set.")


def registry_types(registry: Registry) -> RegistryTypes:
    sets = registry.sets
    info_set = info_set_enum(registry)
    typed = {
        "education": input_type("EducationEntryInput", sets["EDUCATION"], "学习经历"),
        "work": input_type(
            "WorkEntryInput", sets["WORK"], "工作经历: leave endMonth unset for the current post (至今)."
        ),
        "assessment": input_type("AssessmentEntryInput", sets["ASSESSMENT"], "年度考核"),
        "salary": input_type("SalaryEntryInput", sets["SALARY"], "基本待遇: year must be before the current year."),
    }
    return RegistryTypes(
        registry=registry,
        InfoSet=info_set,
        BasicInfo=output_type("BasicInfo", sets["BASIC"], "基本信息 (main table). Derived fields are read-only."),
        BasicInfoInput=input_type(
            "BasicInfoInput",
            sets["BASIC"],
            "Unset optional fields take the national defaults (e.g. nationality 156, idType 1, staffStatus 100, "
            "politicalStatus [13]); a field the school type lacks is rejected.",
        ),
        EntryInput=_entry_input(info_set, typed),
    )


__all__ = [
    "ENTRY_DATA_SCALAR",
    "EntryData",
    "RegistryTypes",
    "code_of",
    "input_type",
    "input_values",
    "make",
    "output_type",
    "registry_types",
]

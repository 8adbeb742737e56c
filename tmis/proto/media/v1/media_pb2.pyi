from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetPhotoStandardRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PhotoStandard(_message.Message):
    __slots__ = ("width_cm", "height_cm", "dpi", "width_px", "height_px", "max_bytes", "formats")
    WIDTH_CM_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_CM_FIELD_NUMBER: _ClassVar[int]
    DPI_FIELD_NUMBER: _ClassVar[int]
    WIDTH_PX_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_PX_FIELD_NUMBER: _ClassVar[int]
    MAX_BYTES_FIELD_NUMBER: _ClassVar[int]
    FORMATS_FIELD_NUMBER: _ClassVar[int]
    width_cm: float
    height_cm: float
    dpi: int
    width_px: int
    height_px: int
    max_bytes: int
    formats: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, width_cm: _Optional[float] = ..., height_cm: _Optional[float] = ..., dpi: _Optional[int] = ..., width_px: _Optional[int] = ..., height_px: _Optional[int] = ..., max_bytes: _Optional[int] = ..., formats: _Optional[_Iterable[str]] = ...) -> None: ...

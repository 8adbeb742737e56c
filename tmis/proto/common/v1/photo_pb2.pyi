from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Photo(_message.Message):
    __slots__ = ("id", "width", "height", "bytes", "dpi", "report")
    ID_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    DPI_FIELD_NUMBER: _ClassVar[int]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    id: str
    width: int
    height: int
    bytes: int
    dpi: int
    report: PhotoReport
    def __init__(self, id: _Optional[str] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., bytes: _Optional[int] = ..., dpi: _Optional[int] = ..., report: _Optional[_Union[PhotoReport, _Mapping]] = ...) -> None: ...

class PhotoReport(_message.Message):
    __slots__ = ("source", "decode_scale", "orientation", "colour", "face_found", "face", "crop", "crop_box", "quality", "width", "height", "dpi", "bytes", "warnings")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    DECODE_SCALE_FIELD_NUMBER: _ClassVar[int]
    ORIENTATION_FIELD_NUMBER: _ClassVar[int]
    COLOUR_FIELD_NUMBER: _ClassVar[int]
    FACE_FOUND_FIELD_NUMBER: _ClassVar[int]
    FACE_FIELD_NUMBER: _ClassVar[int]
    CROP_FIELD_NUMBER: _ClassVar[int]
    CROP_BOX_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    DPI_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    source: PhotoSource
    decode_scale: float
    orientation: int
    colour: str
    face_found: bool
    face: _containers.RepeatedScalarFieldContainer[int]
    crop: str
    crop_box: _containers.RepeatedScalarFieldContainer[int]
    quality: int
    width: int
    height: int
    dpi: int
    bytes: int
    warnings: _containers.RepeatedCompositeFieldContainer[PhotoWarning]
    def __init__(self, source: _Optional[_Union[PhotoSource, _Mapping]] = ..., decode_scale: _Optional[float] = ..., orientation: _Optional[int] = ..., colour: _Optional[str] = ..., face_found: _Optional[bool] = ..., face: _Optional[_Iterable[int]] = ..., crop: _Optional[str] = ..., crop_box: _Optional[_Iterable[int]] = ..., quality: _Optional[int] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., dpi: _Optional[int] = ..., bytes: _Optional[int] = ..., warnings: _Optional[_Iterable[_Union[PhotoWarning, _Mapping]]] = ...) -> None: ...

class PhotoSource(_message.Message):
    __slots__ = ("format", "width", "height", "bytes", "mode")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    format: str
    width: int
    height: int
    bytes: int
    mode: str
    def __init__(self, format: _Optional[str] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., bytes: _Optional[int] = ..., mode: _Optional[str] = ...) -> None: ...

class PhotoWarning(_message.Message):
    __slots__ = ("code", "message")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

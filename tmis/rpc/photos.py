"""The photo and its report (tmis.common.v1.Photo) as stored: its JSON form, lowerCamelCase keys.

Media builds the message once from what normalisation reports; records stores it as this
document and reads it back; the gateway reads the typed message. No other conversion.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format

from tmis.proto.common.v1.photo_pb2 import Photo

__all__ = ["Photo", "photo_document", "photo_message"]


def photo_message(document: Mapping[str, Any]) -> Photo:
    """A stored photo (or media's {id, width, height, bytes, dpi, report}); unknown keys are ignored."""
    return json_format.ParseDict(dict(document), Photo(), ignore_unknown_fields=True)


def photo_document(photo: Photo) -> dict[str, Any]:
    """The document records stores, every field present (a false faceFound included)."""
    return json_format.MessageToDict(photo, always_print_fields_with_no_presence=True)

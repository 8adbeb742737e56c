"""The members of a photo archive (.zip of <身份证件号>.<ext>), each with its bytes or the reason it
is refused. Nothing is ever extracted to disk, so a path trick cannot escape anywhere; it is
still refused, with a clear message, as is everything that is not one plain photo per person:

- a whole archive: not a zip, too many members, a declared total over the limit (zip bomb);
- a member: an unsafe path (absolute, `..`, drive letter), encrypted, a nested archive, over the
  per-file limit (declared, or found while reading: declared sizes are not trusted), a
  suspicious compression ratio, or one of several photos for the same 身份证件号.
Folders and the litter of archivers (__MACOSX/, ._*, .DS_Store, Thumbs.db) are skipped.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from tmis.errors import DomainError, ErrorCode

NESTED = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst")
ARCHIVE_MAGIC = (b"PK\x03\x04", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"BZh", b"\xfd7zXZ")
MAX_RATIO = 200  # JPEG and PNG barely compress; text-like content at 200:1 is a bomb
RATIO_FLOOR = 1024 * 1024  # below 1 MB the ratio does not matter


@dataclass(frozen=True)
class ArchiveLimits:
    max_files: int = 2000
    max_file_bytes: int = 20 * 1024 * 1024
    max_total_bytes: int = 1024 * 1024 * 1024


@dataclass
class Member:
    index: int  # 1-based, in archive order
    name: str
    key: str  # the 身份证件号 the name gives (upper case)
    problem: str = ""


def _name(info: zipfile.ZipInfo) -> str:
    """Names not flagged UTF-8 were decoded as cp437; Chinese Windows archivers write GBK."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _skipped(name: str) -> bool:
    base = posixpath.basename(name.rstrip("/"))
    return (
        name.endswith("/")
        or name.startswith("__MACOSX/")
        or base.startswith("._")
        or base in (".DS_Store", "Thumbs.db", "desktop.ini")
    )


def _unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or bool(re.match(r"^[A-Za-z]:", name))


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ArchiveLimits) -> tuple[bytes | None, str]:
    if info.flag_bits & 0x1:
        return None, "文件已加密，无法读取"
    if info.file_size > limits.max_file_bytes:
        return None, f"文件超过 {limits.max_file_bytes // (1024 * 1024)} MB 上限"
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
        return None, "压缩比异常（疑似压缩炸弹），已拒绝"
    try:
        with archive.open(info) as stream:
            data = stream.read(limits.max_file_bytes + 1)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError):
        return None, "文件在压缩包中已损坏，无法解压"
    if len(data) > limits.max_file_bytes:  # the declared size lied
        return None, f"文件超过 {limits.max_file_bytes // (1024 * 1024)} MB 上限"
    if data.startswith(ARCHIVE_MAGIC):
        return None, "压缩包内不能再含压缩包，请直接放入照片"
    return data, ""


class PhotoArchive:
    """An archive checked as a whole; each member's bytes are read when its turn comes (`load`),
    so a job holds one photo in memory at a time."""

    def __init__(self, content: bytes, limits: ArchiveLimits) -> None:
        self.limits = limits
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(content))
            infos = [i for i in self.zip.infolist() if not _skipped(_name(i))]
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
            raise DomainError(ErrorCode.INVALID_INPUT, "不是有效的 zip 压缩包", "archive") from None
        if not infos:
            raise DomainError(ErrorCode.INVALID_INPUT, "压缩包中没有照片", "archive")
        if len(infos) > limits.max_files:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                f"压缩包中文件过多（{len(infos)} 个），每次最多 {limits.max_files} 个",
                "archive",
            )
        if sum(i.file_size for i in infos) > limits.max_total_bytes:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                f"压缩包解压后超过 {limits.max_total_bytes // (1024 * 1024)} MB 上限（疑似压缩炸弹）",
                "archive",
            )
        self.infos = infos
        self.members = [self._member(index, info) for index, info in enumerate(infos, start=1)]
        _mark_duplicates(self.members)

    @staticmethod
    def _member(index: int, info: zipfile.ZipInfo) -> Member:
        name = _name(info)
        stem, ext = posixpath.splitext(posixpath.basename(name.replace("\\", "/")))
        member = Member(index, name, stem.strip().upper())
        if _unsafe(name):
            member.problem = "文件路径不安全（含 .. 或绝对路径），已拒绝"
        elif ext.lower() in NESTED:
            member.problem = "压缩包内不能再含压缩包，请直接放入照片"
        return member

    def load(self, member: Member) -> bytes | None:
        """The member's bytes, or None with `member.problem` set."""
        if member.problem:
            return None
        data, member.problem = _read(self.zip, self.infos[member.index - 1], self.limits)
        return data


def _mark_duplicates(members: list[Member]) -> None:
    """Several photos for one 身份证件号: none is chosen, all are refused, naming each other."""
    by_key: dict[str, list[Member]] = {}
    for m in members:
        if not m.problem:
            by_key.setdefault(m.key, []).append(m)
    for same in by_key.values():
        if len(same) > 1:
            names = "、".join(m.name for m in same)
            for m in same:
                m.problem = f"同一身份证件号有多张照片（{names}），请只保留一张"

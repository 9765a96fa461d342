"""Opening a district pack on a laptop: the folder, or its zip unpacked once beside itself.

A pack made by an incompatible toolkit version (another major.minor) is refused, naming both
versions. The first time a pack folder is opened it gets its own circle store
(`store/circles-<store id>.sqlite`, a new store with the district's records copied in, their
UUIDs kept), so one zip unpacked on three laptops gives three stores with three store ids,
which `okanalysis circles merge` brings together later. Later opens reuse it.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from okanalysis.circles import store as circles
from okanalysis.core.errors import InputError
from okanalysis.core.version import __version__
from okanalysis.pack.build import (
    DISTRICT_CIRCLES,
    PACK_FILE,
    PACK_FORMAT,
    PARAMETERS_DIR,
    RESULTS_DIR,
    STORE_DIR,
)

#: At most this many bytes unpacked from a pack's zip (a zip bomb is refused).
MAX_UNPACKED = 4 << 30


@dataclass(frozen=True)
class Pack:
    """An opened pack: its folder and description, and this machine's store in it
    (`new_store`: it was made by this opening)."""

    path: Path
    meta: dict
    store: Path
    new_store: bool = False

    @property
    def district(self) -> str:
        return str(self.meta["district"])

    @property
    def households(self) -> bool:
        return bool(self.meta.get("households"))

    @property
    def results(self) -> Path:
        return self.path / RESULTS_DIR

    @property
    def parameters(self) -> Path:
        return self.path / PARAMETERS_DIR

    @property
    def store_id(self) -> str:
        with circles.open_store(self.store) as st:
            return st.store_id


def is_pack(path: str | os.PathLike[str]) -> bool:
    """True for a pack folder (it holds pack.json) or a zip file (taken to be a pack)."""
    path = Path(path)
    if path.is_file():
        return path.suffix.lower() == ".zip"
    return (path / PACK_FILE).is_file()


def _not_a_pack(path: Path, why_th: str, why_en: str) -> InputError:
    return InputError(
        f"ไม่ใช่ชุดข้อมูลอำเภอของ okanalysis ({why_th})",
        f"not an okanalysis district pack ({why_en})",
        file=str(path),
    )


def _member_path(name: str, zip_path: Path) -> PurePosixPath:
    """A zip member's relative path, refused when it would land outside the folder."""
    member = PurePosixPath(name.replace("\\", "/"))
    if member.is_absolute() or ".." in member.parts or (member.parts and ":" in member.parts[0]):
        raise _not_a_pack(
            zip_path, f"มีไฟล์ที่อยู่นอกโฟลเดอร์: {name}", f"a member points outside the folder: {name}"
        )
    return member


def unpack(zip_path: str | os.PathLike[str]) -> Path:
    """Unpack a pack's zip once into the folder beside it (`amphoe-8015.zip` ->
    `amphoe-8015/`); a folder already unpacked from the same pack is reused. Members that
    would land outside the folder, links and oversized contents are refused."""
    zip_path = Path(zip_path)
    folder = zip_path.with_suffix("")
    try:
        z = zipfile.ZipFile(zip_path)
    except (OSError, zipfile.BadZipFile) as e:
        raise _not_a_pack(zip_path, f"เปิดไฟล์ zip ไม่ได้: {e}", f"cannot read the zip: {e}") from e
    with z:
        if PACK_FILE not in z.namelist():
            raise _not_a_pack(zip_path, f"ไม่มี {PACK_FILE}", f"no {PACK_FILE} in the zip")
        meta = json.loads(z.read(PACK_FILE).decode("utf-8"))
        if (folder / PACK_FILE).is_file():
            here = json.loads((folder / PACK_FILE).read_text(encoding="utf-8"))
            if here.get("pack_id") == meta.get("pack_id"):
                return folder
            raise InputError(
                "มีโฟลเดอร์ของชุดข้อมูลอื่นอยู่ข้างไฟล์ zip แล้ว (ย้ายหรือเปลี่ยนชื่อโฟลเดอร์นั้นก่อน)",
                "a folder of another pack is already beside the zip (move or rename it first)",
                file=str(folder),
            )
        if folder.exists():
            raise InputError(
                "มีโฟลเดอร์ชื่อเดียวกันอยู่ข้างไฟล์ zip แล้ว จึงไม่แตกไฟล์ทับ",
                "a folder of the same name is already beside the zip, so nothing is unpacked",
                file=str(folder),
            )
        infos = z.infolist()
        if sum(i.file_size for i in infos) > MAX_UNPACKED:
            raise _not_a_pack(zip_path, "ไฟล์ใหญ่เกินไป", "its contents are too large")
        work = folder.with_name(f".{folder.name}.{os.getpid()}.unpacking")
        shutil.rmtree(work, ignore_errors=True)
        try:
            for info in infos:
                member = _member_path(info.filename, zip_path)
                if (info.external_attr >> 16) & 0o170000 == 0o120000:  # a symbolic link
                    raise _not_a_pack(zip_path, "มีลิงก์", f"a member is a link: {info.filename}")
                target = work.joinpath(*member.parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(info) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
            os.replace(work, folder)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return folder


def _compatible(made: str, here: str) -> bool:
    """Same major.minor: the results format and the rubric's reading are the same."""
    return made.split(".")[:2] == here.split(".")[:2]


def _own_store(folder: Path) -> tuple[Path, bool]:
    """This pack folder's own store, made on first open with the district's records."""
    stores = folder / STORE_DIR
    found = sorted(stores.glob("circles-*.sqlite"))
    if found:
        return found[0], False
    stores.mkdir(exist_ok=True)
    tmp = stores / f".new-{os.getpid()}.sqlite"
    tmp.unlink(missing_ok=True)
    source = folder / DISTRICT_CIRCLES
    circles.merge([source] if source.is_file() else [], tmp)
    with circles.open_store(tmp) as st:
        store_id = st.store_id
    target = stores / f"circles-{store_id}.sqlite"
    os.replace(tmp, target)
    return target, True


def open_pack(path: str | os.PathLike[str]) -> Pack:
    """The pack at `path` (its folder, or its zip: unpacked once beside itself), checked,
    with this machine's own store in it (made on the first open)."""
    path = Path(path)
    if not path.exists():
        raise InputError("ไม่พบชุดข้อมูลอำเภอ", "no district pack at this path", file=str(path))
    folder = unpack(path) if path.is_file() else path
    try:
        meta = json.loads((folder / PACK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise _not_a_pack(folder, f"อ่าน {PACK_FILE} ไม่ได้", f"cannot read {PACK_FILE}") from e
    if meta.get("format") != PACK_FORMAT:
        raise _not_a_pack(folder, f"{PACK_FILE} ไม่ถูกต้อง", f"{PACK_FILE} is not a pack's")
    made = str(meta.get("toolkit_version", "?"))
    if not _compatible(made, __version__):
        raise InputError(
            f"ชุดข้อมูลนี้สร้างด้วย okanalysis รุ่น {made} ใช้กับรุ่นที่ติดตั้งอยู่ ({__version__}) "
            "ไม่ได้ โปรดสร้างชุดข้อมูลใหม่ด้วยรุ่นเดียวกัน หรือติดตั้งรุ่นเดียวกับที่สร้าง",
            f"this pack was made by okanalysis {made}, which is incompatible with the installed "
            f"okanalysis {__version__}; build the pack again, or install the version that made it",
            file=str(folder),
            value=made,
        )
    store, new = _own_store(folder.resolve())
    return Pack(folder.resolve(), meta, store, new)

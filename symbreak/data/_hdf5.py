"""Opening, hashing and atomically writing symbreak HDF5 files.

Every failure to read a file becomes a :class:`DataError` whose message names the
file, so that the CLI can print one sentence instead of an h5py traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import h5py
import numpy as np

from symbreak.conventions import MAX_MAGNITUDE  # noqa: F401 (read from here too)
from symbreak.errors import DataError

#: Version of the on-disk layout written by this symbreak (file attribute ``symbreak_schema``).
SCHEMA_VERSION = 1

#: File attribute that proves symbreak wrote a file: JSON ``{"program": "symbreak",
#: "content_sha256": ...}``, the hash of every object's path, kind, shape, dtype, values and
#: attributes (:func:`content_digest`), so a file edited since is no longer proven ours.
WRITTEN_MARKER = "written_by"

#: Kinds of numpy dtype accepted for coordinates: signed/unsigned integers and floats.
_NUMERIC_KINDS = "iuf"


#: Most points of one pair or particles of one trajectory frame. Pairs are read whole and
#: fitted with every pair of points as an edge by default, so 10^6 points (24 MB an array)
#: is already far beyond what a fit can use; the limit keeps a file that declares a huge
#: shape from exhausting memory before it is refused.
MAX_POINTS = 1_000_000


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of the file's bytes, read in 1 MiB blocks (files may be large)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror or error}).") from None
    return digest.hexdigest()


def check_readable(path: str | os.PathLike) -> Path:
    """Raise :class:`DataError` unless ``path`` is a non-empty HDF5 file; return it as a Path."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file.")
    if not path.is_file():
        raise DataError(f"{path}: is not a file.")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty (0 bytes), not an HDF5 file.")
    if not h5py.is_hdf5(path):
        raise DataError(f"{path}: is not an HDF5 file (symbreak reads .h5 files, see h5py).")
    return path


#: What h5py raises when it reads a damaged file (several kinds, depending on where).
_DAMAGE_ERRORS = (OSError, RuntimeError, KeyError, ValueError, TypeError, SystemError)


@contextmanager
def open_hdf5(path: str | os.PathLike) -> Iterator[h5py.File]:
    """Open a symbreak file read-only after :func:`check_readable` and the schema check."""
    path = check_readable(path)
    try:
        handle = h5py.File(path, "r")
    except OSError as error:
        raise DataError(f"{path}: cannot be opened as HDF5 ({error}).") from error
    with handle:
        try:
            check_schema(handle, path)
            yield handle
        except DataError:
            raise
        except _DAMAGE_ERRORS as error:
            # A damaged file fails wherever HDF5 trips over it, with whatever h5py raises.
            reason = " ".join(str(error).split())[:100] or type(error).__name__
            raise DataError(
                f"{path}: the HDF5 file is damaged or truncated and cannot be read ({reason})."
            ) from None


def check_schema(handle: h5py.File, path: str | os.PathLike) -> None:
    """Tolerate a missing ``symbreak_schema`` attribute; refuse a newer one."""
    version = handle.attrs.get("symbreak_schema")
    if version is None:
        return
    value = np.asarray(version)
    number = value.item() if value.size == 1 and value.dtype.kind in "iuf" else None
    if number is None or not np.isfinite(number) or number != int(number):
        raise DataError(
            f"{path}: the file attribute symbreak_schema must be an integer, "
            f"not {' '.join(repr(version).split())[:60]}."
        )
    version = int(number)
    if version > SCHEMA_VERSION:
        raise DataError(
            f"{path}: written by a newer symbreak (schema {version}; this version reads "
            f"schema {SCHEMA_VERSION} or older)."
        )


def require_group(handle: h5py.File, key: str, path: str | os.PathLike, hint: str) -> h5py.Group:
    """The non-empty group ``handle[key]``, or a DataError explaining the expected schema."""
    group = handle.get(key)
    if not isinstance(group, h5py.Group):
        raise DataError(f"{path}: has no /{key} group; {hint}")
    if len(group) == 0:
        raise DataError(f"{path}: the /{key} group is empty; it needs at least one member.")
    return group


def require_dataset(group: h5py.Group, key: str, where: str) -> h5py.Dataset:
    """The numeric dataset ``group[key]``; ``where`` names it in messages (``"file: pair 'a'"``)."""
    dataset = group.get(key)
    if dataset is None:
        raise DataError(f"{where} has no '{key}' dataset.")
    if not isinstance(dataset, h5py.Dataset):
        raise DataError(f"{where}: '{key}' must be a dataset, not a group.")
    if dataset.dtype.kind not in _NUMERIC_KINDS:
        raise DataError(
            f"{where}: '{key}' is not numeric (HDF5 type {dataset.dtype}); it must hold numbers."
        )
    return dataset


def check_vectors(shape: tuple[int, ...], ndim: int, key: str, where: str) -> None:
    """Shape must be ``(..., N, 3)`` with ``ndim`` axes; say which shape was found otherwise."""
    expected = "(N, 3)" if ndim == 2 else "(T, N, 3)"
    if len(shape) != ndim or shape[-1] != 3:
        raise DataError(f"{where}: '{key}' has shape {shape}, expected {expected}.")
    if shape[-2] > MAX_POINTS:
        raise DataError(
            f"{where}: '{key}' has {shape[-2]} points, more than symbreak fits at once "
            f"({MAX_POINTS}); subsample the structure."
        )


def check_finite(values: np.ndarray, key: str, where: str, first_row: int = 0) -> float:
    """NaN, Inf or a magnitude above :data:`MAX_MAGNITUDE` anywhere is refused; return max |v|.

    The message says which and where the first one is. ``first_row`` is the index of
    ``values[0]`` in the whole array when checking a chunk.
    """
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(values) <= MAX_MAGNITUDE)  # NaN compares False
    if not bad.any():
        return float(np.abs(values).max()) if values.size else 0.0
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    index = (first[0] + first_row, *first[1:])
    value = values[first]
    if np.isfinite(value):
        raise DataError(
            f"{where}: '{key}' holds {value:.3g} at index {index}, beyond the largest magnitude "
            f"symbreak accepts ({MAX_MAGNITUDE:.0e}); rescale the data to a smaller unit."
        )
    kind = "NaN" if np.isnan(value) else "Inf"
    raise DataError(f"{where}: '{key}' contains {kind} (first at index {index}).")


class _ErrorHoldingFile:
    """A binary file for h5py's file-object driver that holds the first ``OSError`` of a
    write (a full disk) instead of raising it into HDF5: later writes are dropped while the
    position moves on as if they were written, and :meth:`raise_held` raises it."""

    def __init__(self, raw) -> None:
        self.raw, self.held = raw, None

    def raise_held(self) -> None:
        if self.held is not None:
            raise self.held

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        done = 0
        while self.held is None and done < len(view):
            try:
                done += self.raw.write(view[done:]) or 0
            except OSError as error:
                self.held = error
        if done < len(view):
            self.raw.seek(len(view) - done, os.SEEK_CUR)
        return len(view)

    def readinto(self, buffer) -> int:
        return self.raw.readinto(buffer)

    def read(self, size: int = -1) -> bytes:
        return self.raw.read(size)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def truncate(self, size: int | None = None) -> int:
        try:
            return self.raw.truncate(size)
        except OSError as error:
            self.held = self.held or error
            return self.raw.tell() if size is None else size

    def flush(self) -> None:
        try:
            self.raw.flush()
        except OSError as error:
            self.held = self.held or error


@contextmanager
def atomic_hdf5(
    path: str | os.PathLike, attrs: Mapping[str, object] | None = None
) -> Iterator[h5py.File]:
    """Write an HDF5 file under a temporary name in the same folder, then rename it into place.

    Readers never see a half-written file, and a failed write leaves the old file intact.
    ``attrs`` become file attributes besides ``symbreak_schema``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    os.close(descriptor)
    try:
        # HDF5 writes through a file object that never fails: HDF5 crashed with a
        # segmentation fault in its next flush after a write met a full disk (a 300 KB tmpfs
        # with 16 to 120 KB free, the lorentz example); the error is raised here instead.
        with open(temporary, "w+b", buffering=0) as raw:
            sink = _ErrorHoldingFile(raw)
            try:
                with h5py.File(sink, "w") as handle:
                    handle.attrs["symbreak_schema"] = SCHEMA_VERSION
                    for key, value in (attrs or {}).items():
                        handle.attrs[key] = value
                    yield handle
                    sink.raise_held()
                    marker = {"program": "symbreak", "content_sha256": content_digest(handle)}
                    handle.attrs[WRITTEN_MARKER] = json.dumps(marker)
                    handle.flush()
            except BaseException:
                sink.raise_held()  # the write that failed first is the cause
                raise
            sink.raise_held()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def content_digest(handle: h5py.File) -> str:
    """SHA-256 of everything in an open HDF5 file except :data:`WRITTEN_MARKER`: each
    object's path and kind, each dataset's shape, dtype and bytes, every attribute."""
    digest = hashlib.sha256()

    def add_attributes(owner) -> None:
        for key in sorted(owner.attrs):
            if owner is handle and key == WRITTEN_MARKER:
                continue
            value = np.asarray(owner.attrs[key])
            digest.update(f"attr {key} {value.dtype} {value.shape}\n".encode())
            digest.update(repr(value.tolist()).encode())

    add_attributes(handle)
    objects: list = []
    handle.visititems(lambda name, item: objects.append((name, item)))
    for name, item in sorted(objects, key=lambda pair: pair[0]):
        if isinstance(item, h5py.Dataset):
            digest.update(f"dataset {name} {item.shape} {item.dtype}\n".encode())
            rows = item.shape[0] if item.shape else 1
            row_bytes = item.dtype.itemsize * (item.size // max(rows, 1))
            step = max(1, (1 << 22) // max(1, row_bytes))  # about 4 MB at a time
            for start in range(0, rows, step) if item.shape else [None]:
                block = np.asarray(item[()] if start is None else item[start : start + step])
                digest.update(repr(block.tolist()).encode() if block.dtype.kind == "O"
                              else np.ascontiguousarray(block).tobytes())  # fmt: skip
        else:
            digest.update(f"group {name}\n".encode())
        add_attributes(item)
    return digest.hexdigest()


def written_by_symbreak(path: str | os.PathLike) -> bool:
    """Whether ``path`` is an HDF5 file symbreak wrote and nobody changed since: its
    :data:`WRITTEN_MARKER` attribute holds the hash of what the file holds now."""
    path = Path(path)
    if path.is_symlink() or not path.is_file() or not h5py.is_hdf5(path):
        return False
    try:
        with h5py.File(path, "r") as handle:
            marker = json.loads(handle.attrs.get(WRITTEN_MARKER, ""))
            return (isinstance(marker, dict) and marker.get("program") == "symbreak"
                    and marker.get("content_sha256") == content_digest(handle))  # fmt: skip
    except (*_DAMAGE_ERRORS, json.JSONDecodeError):
        return False


def check_replaceable(path: str | os.PathLike, overwrite: bool) -> None:
    """Refuse, in one sentence, to write over ``path`` unless it is new, or ``overwrite`` is
    given and symbreak provably wrote the file there (:func:`written_by_symbreak`).

    Raises
    ------
    DataError
        ``path`` exists and may not be replaced.
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    if not overwrite:
        raise DataError(f"{path} already exists; choose another --out or pass --force to replace "
                        "it.")  # fmt: skip
    if path.is_symlink() or not path.is_file():
        kind = "a symbolic link" if path.is_symlink() else "not a plain file"
        raise DataError(f"--force will not replace {path}: it is {kind}; choose another --out.")
    if not written_by_symbreak(path):
        raise DataError(
            f"--force will not replace {path}: nothing proves that symbreak wrote it (its "
            f"'{WRITTEN_MARKER}' attribute is missing or the file changed since); choose "
            "another --out."
        )

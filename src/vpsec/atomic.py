"""Writing files so that a reader sees the old content or the new, never half of either."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from vpsec.errors import OutputError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(
    path: Path, data: str | bytes, *, overwrite: bool = True, mode: int | None = None
) -> None:
    """Write data to path through a temporary file, fsync and rename.

    With overwrite=False an existing file is refused (OutputError), and the
    final step uses a hard link, so two writers racing for one name cannot
    both win. The file gets mode, or else the mode of the file it replaces,
    or else what the umask gives a new file (the temporary file is 0600).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name for the output")
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise OutputError(f"{path}: the folder {folder} does not exist")
    if not overwrite and path.exists():
        raise OutputError(f"{path}: already exists; vpsec never overwrites it")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputError(f"{path}: cannot write here ({error.strerror or error})") from None
    temp = Path(temp_name)
    try:
        if mode is None:
            try:
                mode = path.stat().st_mode & 0o7777 if overwrite else None
            except OSError:
                mode = None
        os.fchmod(fd, mode if mode is not None else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            temp.replace(path)
        else:
            try:
                os.link(temp, path)
            except FileExistsError:
                raise OutputError(f"{path}: already exists; vpsec never overwrites it") from None
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror or error})") from None
    finally:
        # On success with overwrite the temp name is gone already; otherwise clean up.
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()

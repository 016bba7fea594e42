"""Writing files so that a reader sees the old content or the new, never half of either."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from vpsec.errors import OutputError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(
    path: Path, data: str | bytes, *, overwrite: bool = True, mode: int | None = None
) -> None:
    """Write data to path, doing what `cp` and `sort -o` users expect of what path is.

    - Missing, or a regular file: written to a temporary file in the same
      folder, fsynced and renamed over it, so a reader sees the old content
      or the new. With overwrite=False an existing file is refused
      (OutputError) and the final step is a hard link, so two writers racing
      for one name cannot both win.
    - A symbolic link: followed, and its target replaced in the same way; the
      link stays a link.
    - A device or named pipe (`-o /dev/null`, `-o /dev/stdout` in a
      pipeline): opened and written to, never replaced nor chmodded. A socket
      is tried the same way and, as with `cp`, cannot be opened: OutputError.
    - A folder: OutputError.

    A new file gets mode, or else the mode of the file it replaces, or else
    what the umask gives a new file.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        info: os.stat_result | None = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        info = None  # a missing folder on the way is named below
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror or error})") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{path}: is a folder; give a file name for the output")
        if not overwrite:
            raise OutputError(f"{path}: already exists; vpsec never overwrites it")
        if not stat.S_ISREG(info.st_mode):
            _write_through(path, payload)
            return
    target = Path(os.path.realpath(path)) if overwrite and path.is_symlink() else path
    folder = target.parent if str(target.parent) else Path()
    if not folder.is_dir():
        raise OutputError(f"{path}: the folder {folder} does not exist")
    try:
        folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise OutputError(f"{path}: cannot write here ({error.strerror or error})") from None
    try:
        write_atomic_in(folder_fd, target.name, payload, overwrite=overwrite, mode=mode, shown=path)
    finally:
        os.close(folder_fd)


def write_atomic_in(
    folder: int,
    name: str,
    data: bytes,
    *,
    overwrite: bool = True,
    mode: int | None = None,
    shown: Path | str | None = None,
) -> None:
    """Replace the entry name of the open folder atomically; never writes through a link.

    The rename replaces whatever name is, a link included, and never touches
    what a link points to: the cache writes through this, with the folder
    opened by `vpsec.confine.open_folder`. shown is how errors name the file.
    """
    where = shown if shown is not None else name
    temp = _create_temp(folder, name, where)
    fd = temp[1]
    try:
        if mode is None and overwrite:
            with contextlib.suppress(OSError):
                existing = os.stat(name, dir_fd=folder, follow_symlinks=False)
                if stat.S_ISREG(existing.st_mode):
                    mode = existing.st_mode & 0o7777
        os.fchmod(fd, mode if mode is not None else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            fd = -1
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp[0], name, src_dir_fd=folder, dst_dir_fd=folder)
        else:
            try:
                os.link(temp[0], name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
            except FileExistsError:
                raise OutputError(f"{where}: already exists; vpsec never overwrites it") from None
    except OSError as error:
        raise OutputError(f"{where}: cannot write ({error.strerror or error})") from None
    finally:
        if fd >= 0:
            os.close(fd)
        # On success with overwrite the temporary name is gone already; otherwise clean up.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp[0], dir_fd=folder)


def _create_temp(folder: int, name: str, where: Path | str) -> tuple[str, int]:
    """A new private file beside name: (its name, an open descriptor)."""
    for _ in range(100):
        temp = f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            # Created afresh (never through a link), private, not inherited by children.
            return temp, os.open(
                temp,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                0o600,
                dir_fd=folder,
            )
        except FileExistsError:
            continue
        except OSError as error:
            raise OutputError(f"{where}: cannot write here ({error.strerror or error})") from None
    raise OutputError(f"{where}: cannot write here (no free temporary name)")


def _write_through(path: Path, payload: bytes) -> None:
    """Write to a device or named pipe as it is: opened, written, never replaced."""
    try:
        # O_NOCTTY: writing to a terminal device must not make it our controlling terminal.
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror or error})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror or error})") from None

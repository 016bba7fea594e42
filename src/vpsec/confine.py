"""Staying inside the workspace: paths reached without passing through a symbolic link.

A workspace arrives from a pull request, so any folder in it may be a link to
somewhere else (`decisions -> /etc`, `.vpsec/cache -> ../../victim`). The
loader never follows a link to a folder; what vpsec writes must not either,
or a committed link would make a run write or delete files outside the
workspace. Two checks, for two kinds of writer:

- `refuse_links` for commands a person runs (`init`, `new`, `decide`): every
  part of the path below the workspace root that exists must be a real folder
  (the last one may be missing, or an existing entry that is not a link).
  Checked by name just before writing; the attacker here is a file in a
  repository, not a process racing vpsec on the same machine.
- `open_folder` for the cache, written by every run in CI: the folder is
  opened one part at a time with O_NOFOLLOW relative to the folder before it,
  so what is checked is what is written to, and it must belong to the user.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path, PurePath

from vpsec.errors import OutputError

# O_NOFOLLOW on the last part, O_DIRECTORY so a file is refused, O_CLOEXEC so
# git and the parsing workers never inherit it.
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class Unconfined(Exception):
    """A folder that cannot be used safely; the message says why, in a few words."""


class Missing(Unconfined):
    """A part of the folder does not exist (and was not to be created)."""


def _parts_below(root: Path, path: Path | str) -> tuple[str, ...]:
    """The parts of path below root; path is relative to root or absolute under it."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(root)
        except ValueError:
            raise OutputError(f"{path}: is outside the workspace {root}") from None
    parts = candidate.parts
    if ".." in parts:
        raise OutputError(f"{root / candidate}: leaves the workspace {root}")
    return tuple(part for part in parts if part != ".")


def _link_target(path: Path) -> str:
    try:
        # repr: the target is the attacker's text; its control characters stay visible.
        return f" (to {str(path.readlink())!r})"
    except OSError:
        return ""


def refuse_links(root: Path, *paths: Path | str) -> None:
    """OutputError unless each path lies under root with no symbolic link on the way.

    Records in a linked folder would not be read either: discovery never
    follows a link to a folder.
    """
    for path in paths:
        parts = _parts_below(root, path)
        current = root
        for index, part in enumerate(parts):
            current = current / part
            try:
                info = os.lstat(current)
            except FileNotFoundError:
                break  # nothing below it exists: the writer creates it inside the workspace
            except OSError as error:
                raise OutputError(f"{current}: cannot be checked ({error.strerror})") from None
            if stat.S_ISLNK(info.st_mode):
                raise OutputError(
                    f"{current}: is a symbolic link{_link_target(current)}; vpsec writes only to "
                    "real files and folders inside the workspace"
                )
            if index < len(parts) - 1 and not stat.S_ISDIR(info.st_mode):
                raise OutputError(f"{current}: is not a folder")


@contextlib.contextmanager
def open_folder(
    base: Path | int, rel: PurePath, *, create: bool = False, shown: PurePath | None = None
) -> Iterator[int]:
    """A descriptor of base/rel, each part opened without following a link; Unconfined if not.

    base is a trusted folder: a path (the workspace root, which the user
    chose) or a descriptor from an enclosing open_folder, which stays open.
    Every part of rel must be a real folder owned by the user running vpsec
    (a folder someone else owns could be changed under us); Missing when one
    does not exist, unless create, which makes it (mode from the umask) or
    raises the OSError of making it.
    Reasons name the folder as shown / rel. The descriptor is closed when the
    block ends.
    """
    opened: list[int] = []
    try:
        if isinstance(base, int):
            start = base
        else:
            try:
                start = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            except OSError as error:
                raise Unconfined(f"{base} cannot be opened ({error.strerror})") from None
            opened.append(start)
        current, name = start, shown or PurePath()
        for part in rel.parts:
            name = name / part
            current = _open_part(current, part, name, create)
            opened.append(current)
        yield current
    finally:
        for fd in opened:
            os.close(fd)


def _open_part(parent: int, name: str, shown: PurePath, create: bool) -> int:
    try:
        fd = os.open(name, _FOLDER_FLAGS, dir_fd=parent)
    except FileNotFoundError:
        if not create:
            raise Missing(f"{shown} does not exist") from None
        # A folder that cannot be made (a read-only checkout) is the OSError itself: not a
        # hostile folder, and the caller may go on without it.
        with contextlib.suppress(FileExistsError):  # another run made it first: checked below
            os.mkdir(name, dir_fd=parent)
        return _open_part(parent, name, shown, create=False)
    except OSError as error:
        raise Unconfined(_why_not_a_folder(parent, name, shown, error)) from None
    info = os.fstat(fd)
    if info.st_uid != os.geteuid():
        os.close(fd)
        raise Unconfined(f"{shown} belongs to another user (uid {info.st_uid})")
    return fd


def _why_not_a_folder(parent: int, name: str, shown: PurePath, error: OSError) -> str:
    try:
        info = os.stat(name, dir_fd=parent, follow_symlinks=False)
    except OSError:
        return f"{shown} cannot be opened ({error.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return f"{shown} is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return f"{shown} is not a folder"
    return f"{shown} cannot be opened ({error.strerror})"

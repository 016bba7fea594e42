"""`vpsec init`, `vpsec new` and `vpsec schema`: make a workspace and its files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vpsec.atomic import write_atomic
from vpsec.errors import UsageError
from vpsec.load.config import find_root
from vpsec.output import display_path, emit
from vpsec.wording import count, join_words

if TYPE_CHECKING:
    from vpsec.scaffold import Initialised


def _git_sentence(done: Initialised) -> str:
    """What became of git, in one line a user can act on."""
    from vpsec.scaffold import FIRST_COMMIT_MESSAGE, INITIAL_BRANCH, GitSetup

    commit = f"git add -A && git commit -m '{FIRST_COMMIT_MESSAGE}'"
    if done.git is GitSetup.COMMITTED:
        return f"Git: a new repository on branch {INITIAL_BRANCH}, with the workspace committed.\n"
    if done.git is GitSetup.EXISTING:
        return "Git: inside an existing repository; commit the workspace when you are ready.\n"
    if done.git is GitSetup.NO_IDENTITY:
        return (
            f"Git: a new repository on branch {INITIAL_BRANCH}, nothing committed: git does "
            "not know your name and email; set them with `git config --global user.name "
            '"Your Name"` and `git config --global user.email you@example.org`, '
            f"then `{commit}`.\n"
        )
    if done.git is GitSetup.NOT_COMMITTED:
        return (
            f"Git: a new repository on branch {INITIAL_BRANCH}, nothing committed "
            f"({done.git_problem}); commit with `{commit}`.\n"
        )
    return (
        f"Git: no repository ({done.git_problem}); `vpsec decide`, `log`, `audit` and `diff` "
        f"need one: `git init -b {INITIAL_BRANCH} && {commit}`.\n"
    )


def init(directory: Path, organisation: str | None, example: bool) -> int:
    """`vpsec init`: create a workspace and say what was written, and what became of git."""
    from vpsec.scaffold import init_workspace

    done = init_workspace(directory, organisation, example)
    where = display_path(directory.resolve())
    sys.stdout.write(
        f"Created a vpsec workspace in {where} ({count(len(done.written), 'file')}).\n"
    )
    sys.stdout.write(_git_sentence(done))
    step = "`vpsec assess`" if example else "`vpsec new site` to add your first record"
    sys.stdout.write(f"Next: {step}.\n")
    return 0


def _check_new(root: Path, kind: str, record_id: str | None, site: str | None) -> None:
    """Refuse a site the workspace does not have, and an id it already uses (exit 2)."""
    from vpsec.load.cache import Cache
    from vpsec.load.messages import suggest
    from vpsec.load.source import open_workspace
    from vpsec.models import KINDS
    from vpsec.scaffold import kind_name

    if site is not None and KINDS[kind].INFO.site_field in (None, "id"):
        what = "a Site's id is its --id" if kind == "Site" else f"a {kind} belongs to no site"
        raise UsageError(f"--site: {what}; leave --site out")
    if site is None and record_id is None:
        return
    cache = Cache.open(root)
    records = open_workspace(root, cache).records()
    cache.save()
    if record_id is not None and record_id in records:
        raise UsageError(f"--id: {record_id!r} is already used by {records[record_id][0]}")
    if site is None:
        return
    sites = sorted(
        key
        for key, (_path, value) in records.items()
        if isinstance(value, dict) and value.get("kind") == "Site"
    )
    if site not in sites:
        if not sites:
            raise UsageError(
                f"--site: the workspace has no site yet; add one first with "
                f"`vpsec new site --id {site}`"
            )
        raise UsageError(
            f"--site: no site with id {site!r} in the workspace{suggest(site, sites)} "
            f"(sites: {join_words(sites)}); `vpsec new {kind_name(kind)}` without --site "
            "leaves it to fill in"
        )


def new(start: Path, kind_name: str, record_id: str | None, site: str | None) -> int:
    """`vpsec new KIND`: write a record from its template and print its path."""
    from vpsec.scaffold import new_record, resolve_kind

    root = find_root(start)
    kind = resolve_kind(kind_name)
    _check_new(root, kind, record_id, site)
    path = new_record(root, kind, record_id, site)
    sys.stdout.write(f"{display_path(path)}\n")
    return 0


def _schema_name(kind: str, names: list[str]) -> str:
    """The schema a user named: `workspace`, or a kind however written (see resolve_kind)."""
    from vpsec.load.messages import suggest
    from vpsec.scaffold import resolve_kind

    if kind.lower() in names:
        return kind.lower()
    try:
        return resolve_kind(kind).lower()
    except UsageError:
        raise UsageError(
            f"unknown schema {kind!r}{suggest(kind, names)}; choose one of {', '.join(names)}"
        ) from None


def schema(kind: str | None, output: Path | None) -> int:
    """`vpsec schema`: print one schema, or write them all into a folder."""
    from vpsec.scaffold import write_schemas
    from vpsec.schemas import schema_names, schema_text

    names = schema_names()
    if kind is not None:
        kind = _schema_name(kind, names)
    if output is not None:
        if kind is None:
            written = write_schemas(output, overwrite=True)
        else:
            output.mkdir(parents=True, exist_ok=True)
            target = output / f"{kind.lower()}.json"
            write_atomic(target, schema_text(kind.lower()))
            written = [target]
        for path in written:
            sys.stdout.write(f"{path}\n")
        return 0
    if kind is None:
        import json

        from vpsec.schemas import schema_for

        emit(json.dumps({n: schema_for(n) for n in names}, indent=2) + "\n", None)
    else:
        emit(schema_text(kind.lower()), None)
    return 0

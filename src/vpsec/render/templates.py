"""The sandboxed Jinja2 environment every report template runs in, and where templates come from.

Templates are untrusted input (a workspace template arrives in a pull request
like any record), so they run in Jinja2's immutable sandbox with undefined
names as errors, HTML autoescaped, and a loader confined to two folders: the
workspace's `templates/` (which wins) and the built-in ones. They see only
the plain data of the report context; for a public audience that data has
been redacted before any template runs (see vpsec.reports and vpsec.redact).

Any problem a template causes becomes one TemplateError naming the template
file and line, so the command line can say it in one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from vpsec import wording
from vpsec.errors import TemplateError, UsageError
from vpsec.render.markdown_text import markdown_message, markdown_text

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

TEMPLATES_DIR = "templates"
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


def _builtin_dir() -> Path:
    from vpsec.resources import data_dir

    return data_dir(TEMPLATES_DIR)


def template_dirs(root: Path) -> list[tuple[str, Path]]:
    """Where templates come from, first match wins: (label for messages, folder)."""
    dirs = [
        (f"{TEMPLATES_DIR}/", root / TEMPLATES_DIR),
        (f"vpsec:{TEMPLATES_DIR}/", _builtin_dir()),
    ]
    return [(label, folder) for label, folder in dirs if folder.is_dir()]


def available_reports(root: Path) -> list[str]:
    """Report names with a template in either folder (partials start with '_')."""
    names: set[str] = set()
    for _, folder in template_dirs(root):
        for path in folder.glob("*.j2"):
            stem = path.name.removesuffix(".j2")
            name, _, ext = stem.rpartition(".")
            if ext in ("md", "html") and name and not name.startswith("_"):
                names.add(name)
    return sorted(names)


def template_for(root: Path, name: str, ext: str) -> str:
    """The template file of report `name` in `ext` ("md" or "html"); UsageError when none."""
    available = available_reports(root)
    if not _NAME_RE.match(name) or name not in available:
        raise UsageError(f"no report named {name!r}; available: {', '.join(available) or 'none'}")
    template_name = f"{name}.{ext}.j2"
    if not any((folder / template_name).is_file() for _, folder in template_dirs(root)):
        raise UsageError(f"the {name} report has no {ext} template ({template_name})")
    return template_name


def _confined_loader(root: Path) -> jinja2.BaseLoader:
    """A loader that reads only regular files inside the two template folders."""
    import jinja2

    class ConfinedLoader(jinja2.FileSystemLoader):
        def get_source(
            self, environment: jinja2.Environment, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            source, filename, uptodate = super().get_source(environment, template)
            folder = Path(str(self.searchpath[0])).resolve()
            # A symlink in a workspace's templates/ must not read a file elsewhere.
            if not Path(filename).resolve().is_relative_to(folder):
                raise jinja2.TemplateNotFound(template)
            return source, filename, uptodate

    return jinja2.ChoiceLoader([ConfinedLoader(str(folder)) for _, folder in template_dirs(root)])


# -- filters --------------------------------------------------------------------------------


def _code_spans(value: object) -> Markup:
    """Escaped text with `backticked` spans as <code> (the catalogue writes field names so)."""
    from markupsafe import Markup, escape

    text = str(escape("" if value is None else value))
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", text))


def _yesno(value: object) -> str:
    """True/False/None as words; anything else as itself."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "not recorded" if value is None else str(value)


def _amount(value: object) -> str:
    if not isinstance(value, (int, float)):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _money(value: object, currency: object = None) -> str:
    """4800, 'USD' -> 'USD 4,800'; or a {'amount', 'currency'} mapping."""
    if isinstance(value, dict):
        currency, value = value.get("currency"), value.get("amount")
    text = _amount(value)
    return f"{currency} {text}" if currency and text else text


def _number(value: object, filter_name: str) -> int:
    """A count: a number, or the length of a list."""
    n = len(value) if isinstance(value, (list, tuple, dict)) else value
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"{filter_name} needs a number or a list, not {type(value).__name__}")
    return n


def _count(value: object, noun: str, plural_form: str | None = None) -> str:
    """3|count("finding") -> '3 findings'; a list counts its items."""
    return wording.count(_number(value, "count"), noun, plural_form)


def _plural(value: object, noun: str, plural_form: str | None = None) -> str:
    """2|plural("is", "are") -> 'are': the word that agrees with the number."""
    return wording.plural(_number(value, "plural"), noun, plural_form)


def _join_words(values: object, conjunction: str = "and") -> str:
    """['a', 'b', 'c']|join_words -> 'a, b and c'."""
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise TypeError(f"join_words needs a list, not {type(values).__name__}")
    return wording.join_words([str(v) for v in values], conjunction)


# A transfer recipient's level (Recipient.authority) as a reader says it.
_LEVELS = {
    "national": "national level",
    "regional": "regional level",
    "local": "local level",
    "individuals": "individual officers",
}


def _level(value: object) -> str:
    """'local' -> 'local level', 'individuals' -> 'individual officers'."""
    return _LEVELS.get(str(value), wording.label(value)) if value is not None else ""


FILTERS: dict[str, Callable[..., object]] = {
    "code": _code_spans,
    "md": markdown_text,
    # vpsec's own text (messages, rationale, fix): its `code spans` as code, the rest escaped.
    "md_message": markdown_message,
    "label": wording.label,
    "level": _level,
    "count": _count,
    "plural": _plural,
    "join_words": _join_words,
    "yesno": _yesno,
    "money": _money,
    "amount": _amount,
}


def environment(root: Path) -> jinja2.Environment:
    """The sandboxed environment for the templates of the workspace at root."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        loader=_confined_loader(root),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2"), default_for_string=False, default=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # None prints as nothing, never as the word "None".
        finalize=lambda value: "" if value is None else value,
    )
    env.filters.update(FILTERS)
    return env


# -- errors ---------------------------------------------------------------------------------


def _template_location(error: BaseException, root: Path, fallback: str) -> tuple[str, int | None]:
    """The template file and line an error happened at, as a user would name it."""
    import jinja2

    if isinstance(error, jinja2.TemplateSyntaxError):
        return _display_name(error.filename or error.name or fallback, root), error.lineno
    folders = [folder.resolve() for _, folder in template_dirs(root)]
    found: tuple[str, int | None] = (fallback, None)
    tb: TracebackType | None = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") and any(
            Path(filename).resolve().is_relative_to(folder) for folder in folders
        ):
            found = (_display_name(filename, root), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _display_name(filename: str, root: Path) -> str:
    path = Path(filename)
    if not path.is_absolute():
        return f"{TEMPLATES_DIR}/{filename}"
    for label, folder in template_dirs(root):
        resolved = path.resolve()
        if resolved.is_relative_to(folder.resolve()):
            return label + resolved.relative_to(folder.resolve()).as_posix()
    return filename


def _template_error(error: BaseException, root: Path, template_name: str) -> TemplateError:
    import jinja2
    from jinja2.exceptions import SecurityError

    name, line = _template_location(error, root, f"{TEMPLATES_DIR}/{template_name}")
    where = f"{name}:{line}" if line else name
    if isinstance(error, SecurityError):
        what = f"the template tried something the sandbox forbids ({error})"
    elif isinstance(error, jinja2.UndefinedError):
        what = f"undefined: {error.message}"
    elif isinstance(error, jinja2.TemplateSyntaxError):
        what = f"syntax error: {error.message}"
    elif isinstance(error, jinja2.TemplateNotFound):
        what = f"no template {error.name!r} in {TEMPLATES_DIR}/ or the built-in templates"
    elif isinstance(error, RecursionError):
        what = "the template recurses without end"
    elif isinstance(error, MemoryError):
        what = "the template builds more text than fits in memory"
    else:
        what = f"{type(error).__name__}: {error}"
    return TemplateError(f"{where}: {what}")


def render_template(root: Path, template_name: str, variables: Mapping[str, object]) -> str:
    """Render one template with variables; any template problem becomes a TemplateError."""
    import jinja2

    env = environment(root)
    try:
        template = env.get_template(template_name)
        return template.render(variables)
    except (
        jinja2.TemplateError,
        RecursionError,
        MemoryError,
        ArithmeticError,
        TypeError,
        ValueError,
        AttributeError,
        LookupError,
    ) as error:
        raise _template_error(error, root, template_name) from None


__all__ = [
    "FILTERS",
    "TEMPLATES_DIR",
    "available_reports",
    "environment",
    "render_template",
    "template_dirs",
    "template_for",
]

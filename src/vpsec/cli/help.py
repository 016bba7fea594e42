"""How the command line explains itself: plain help, commands in the order a user meets them.

Help is printed as plain text (the app sets `rich_markup_mode=None`): a
help string is shown exactly as written, so `'vpsec[pdf]'` cannot be eaten
as Rich markup. Typer labels values with their Python types (`<str>`,
`<list[str]>`); the classes here name them in words instead (the option's
metavar, `FILE`, `DATE`, or its name in capitals) and write usage lines the
way most tools do (`NAME`, `[PATH]`).
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# Sections of `vpsec --help`, in the order a user meets the commands.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Start a workspace", ("init", "new")),
    ("Check the records and report", ("validate", "assess", "report")),
    ("Review changes and keep the decision log", ("diff", "decide", "log", "audit")),
    ("Look things up", ("rules", "schema")),
    ("Registers as spreadsheets", ("export", "import")),
)
COMMAND_ORDER = tuple(name for _title, names in SECTIONS for name in names)


def examples(*pairs: tuple[str, str]) -> str:
    """A command's epilog: each example a comment saying what it does, then the command line.

    The `\\b` line keeps Click from re-wrapping the lines.
    """
    lines = ["Examples:", "", "\b"]
    for what, command in pairs:
        lines += [f"  # {what}", f"  {command}"]
    return "\n".join(lines)


def _metavar(param: Any) -> str:
    """What a value is called in help: the declared metavar, else the name in capitals."""
    declared = getattr(param, "metavar", None)
    if declared:
        return str(declared)
    return str(param.name or "value").upper().replace("_", "-")


# Contexts and formatters are typed Any: they are Click's, which Typer vendors in some
# versions and imports in others.


class VpsecCommand(TyperCommand):
    """A command whose help names values in words, never with Python type tags."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                continue
            name = _metavar(param) + ("..." if param.nargs != 1 else "")
            pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            if getattr(param, "hidden", False):
                continue
            if param.param_type_name == "argument":
                arguments.append((_metavar(param), str(getattr(param, "help", None) or "")))
                continue
            if param.param_type_name == "option" and not getattr(param, "is_flag", False):
                # Typer shows `<str>` for an option without a metavar: name it instead.
                param.metavar = _metavar(param)
            record = param.get_help_record(ctx)
            if record is not None:
                options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


class VpsecGroup(TyperGroup):
    """The `vpsec` group: commands listed in COMMAND_ORDER and in SECTIONS, not alphabetically."""

    def list_commands(self, ctx: Any) -> list[str]:
        registered = list(super().list_commands(ctx))
        known = [name for name in COMMAND_ORDER if name in registered]
        return known + [name for name in registered if name not in known]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        commands = {}
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                commands[name] = command
        if not commands:
            return
        widest = max(len(name) for name in commands)
        limit = formatter.width - 6 - widest
        others = tuple(name for name in commands if name not in COMMAND_ORDER)
        for title, names in (*SECTIONS, ("Other commands", others)):
            # Names padded to one width, so that every section's purposes line up.
            rows = [
                (name.ljust(widest), commands[name].get_short_help_str(limit))
                for name in names
                if name in commands
            ]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class VpsecTyper(typer.Typer):
    """typer.Typer whose commands are VpsecCommands unless a module asks for another class."""

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", VpsecCommand)
        return super().command(*args, **kwargs)


__all__ = ["COMMAND_ORDER", "SECTIONS", "VpsecCommand", "VpsecGroup", "VpsecTyper", "examples"]

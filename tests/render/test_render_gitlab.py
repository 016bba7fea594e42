"""GitLab Code Quality: a JSON array GitLab accepts, checked field by field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from render_support import EXAMPLE, assess, finding, made_result, waiver

from vpsec.findings import RunResult
from vpsec.render import RenderOptions
from vpsec.render.gitlab import render

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def issues(result: RunResult) -> list[dict[str, object]]:
    raw = render(result, RenderOptions()).encode("utf-8")
    assert not raw.startswith(b"\xef\xbb\xbf")
    document = json.loads(raw)
    assert isinstance(document, list)
    return document


def test_example_issues_field_by_field(example_result: RunResult) -> None:
    items = issues(example_result)
    assert len(items) == len(example_result.findings)
    for item, source in zip(items, example_result.findings, strict=True):
        assert set(item) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert isinstance(item["description"], str)
        assert item["description"].startswith(f"{source.rule} ")
        assert item["check_name"] == source.rule
        assert item["severity"] == SEVERITY[source.severity.value]
        assert item["location"] == {
            "path": f"examples/lakeside-minerals/{source.path}",
            "lines": {"begin": source.line or 1},
        }
        fingerprint = item["fingerprint"]
        assert isinstance(fingerprint, str) and len(fingerprint) == 64
    assert len({item["fingerprint"] for item in items}) == len(items)


def test_waived_are_left_out_and_duplicates_salted() -> None:
    one = finding("TRF001", message="one")
    items = issues(made_result([one, finding("TRF001", message="two", line=40)], [waiver(one)]))
    title = one.title  # the catalogue's wording, whatever it is now
    assert [i["description"] for i in items] == [
        f"TRF001 {title}: one",
        f"TRF001 {title}: two",
    ]
    assert items[0]["fingerprint"] != items[1]["fingerprint"]
    no_line = issues(made_result([finding("MTG004", path="vpsec.yaml", line=None, record=None)]))
    assert no_line[0]["location"] == {"path": "vpsec.yaml", "lines": {"begin": 1}}


def test_fingerprints_do_not_depend_on_lines(tmp_path: Path) -> None:
    root = shutil.copytree(EXAMPLE, tmp_path / "ws")
    before = issues(assess(root))
    for path in {i["location"]["path"] for i in before}:  # type: ignore[index]
        record = root / str(path).removeprefix("examples/lakeside-minerals/")
        if record.is_file():
            record.write_text("\n\n" + record.read_text(encoding="utf-8"), encoding="utf-8")
    after = issues(assess(root))
    assert [i["fingerprint"] for i in before] == [i["fingerprint"] for i in after]
    assert [i["location"] for i in before] != [i["location"] for i in after]

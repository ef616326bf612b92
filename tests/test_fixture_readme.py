"""fixtures/README.md says what the loader enforces: its reference part is generated from the
schema, and its hand-written example uses only keys the schema knows."""

import re

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from reports.loading.describe import BEGIN, END, describe_format, generated_part
from reports.loading.fields import ListOf, Nested
from reports.loading.schema import SECTIONS

README = settings.BASE_DIR / "fixtures" / "README.md"


def test_the_readme_reference_is_what_the_schema_generates():
    assert generated_part(README.read_text(encoding="utf-8")) == describe_format(), (
        "fixtures/README.md is out of date: run manage.py describe_fixture_format --write")


def test_the_readme_example_uses_only_keys_the_schema_knows():
    example = yaml.safe_load(re.search(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1))
    unknown = []
    for name, value in example.items():
        assert name in SECTIONS, f"the example has a section {name!r} the schema does not know"
        section = SECTIONS[name]
        for record in (value if section.many else [value]):
            unknown += keys_outside(section.record, record, name)
    assert not unknown


def keys_outside(record, example, path):
    """Keys of `example` (a record of the README's example, "..." standing for anything) not in `record`."""
    if not isinstance(example, dict):
        return []
    keys = {key.name: key for key in record.keys}
    unknown = []
    for name, value in example.items():
        if name == "...":
            continue
        if name not in keys:
            unknown.append(f"{path}.{name}")
            continue
        kind = keys[name].type
        values = value if isinstance(kind, ListOf) and isinstance(value, list) else [value]
        kind = kind.item if isinstance(kind, ListOf) else kind
        if isinstance(kind, Nested):
            for item in values:
                unknown += keys_outside(kind.record, item, f"{path}.{name}")
    return unknown


def test_the_command_writes_the_reference_between_the_markers_and_keeps_the_prose(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Fixtures\n\nHand-written.\n\n{BEGIN}\nstale\n{END}\n\nAfter.\n", encoding="utf-8")
    call_command("describe_fixture_format", "--write", readme=str(readme))
    text = readme.read_text(encoding="utf-8")
    assert text == f"# Fixtures\n\nHand-written.\n\n{describe_format()}\nAfter.\n"
    call_command("describe_fixture_format", "--check", readme=str(readme))


def test_the_command_check_fails_on_a_stale_readme(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"{BEGIN}\nstale\n{END}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="is out of date: run manage.py describe_fixture_format --write"):
        call_command("describe_fixture_format", "--check", readme=str(readme))

"""Load the transcribed reports in fixtures/ into the database.

- `schema`: the format, one declaration per section, which the loader enforces and
  fixtures/README.md is generated from (`manage.py describe_fixture_format`);
- `files`: reading and checking the files, merging the files of one report;
- `run`: the load itself, in one transaction; one module per area writes its sections
  (`organisations`, `evaluation`, `portfolio`, `vocabularies`, `findings`, `recommendations`,
  `ratings`, `figures`, `reference`).
"""

from .context import LoadSummary
from .fields import FixtureError
from .files import read_reports
from .run import load_fixtures, load_reference

__all__ = ["FixtureError", "LoadSummary", "load_fixtures", "load_reference", "read_reports"]

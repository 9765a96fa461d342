"""One family of errors, each carrying where the problem is and what was expected.

Every problem a user can cause names the file, row, column and value, and says what is expected
in Thai and in English, so the message can be shown to a facilitator as it is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in the input: where it is, what was found and what is expected."""

    file: str
    row: int | None
    column: str | None
    value: object
    expected_th: str
    expected_en: str
    check: str = ""
    table: str = ""

    def message(self) -> str:
        """The problem as one line, Thai first then English."""
        where = self.file
        if self.row is not None:
            where += f" แถว/row {self.row}"
        if self.column:
            where += f" คอลัมน์/column {self.column}"
        return f"{where}: ค่า/value {self.value!r} — {self.expected_th} / {self.expected_en}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class OkanalysisError(Exception):
    """Base error: carries file, row, column, value and what is expected, in Thai and English."""

    def __init__(
        self,
        expected_th: str,
        expected_en: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.expected_th = expected_th
        self.expected_en = expected_en
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        super().__init__(self._text())

    def _text(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"แถว/row {self.row}")
        if self.column:
            where.append(f"คอลัมน์/column {self.column}")
        prefix = " ".join(where)
        value = f" ค่า/value {self.value!r}:" if self.value is not None else ""
        head = f"{prefix}:{value} " if prefix or value else ""
        return f"{head}{self.expected_th} / {self.expected_en}"


class InputError(OkanalysisError):
    """An input file or folder cannot be read at all (missing, wrong format, too large)."""


class ParameterError(OkanalysisError):
    """A parameters YAML file breaks its rules; `row` is the line number in the file."""


class NothingToShow(OkanalysisError):
    """Nothing to show for this unit or part: no rows for it, no circle records yet, fewer than
    two freedom-table rounds... The one error a report section or a dashboard panel turns
    into a notice in words; every other error is a fault and fails loudly."""

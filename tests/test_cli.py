"""The command line: bad option values get the project's bilingual error and exit code 2, never a
traceback; good ones reach the command as numbers."""

from __future__ import annotations

import re

import pytest

from okanalysis import cli
from okanalysis.cli import EXIT_ERROR, build_parser, main

THAI = re.compile(r"[\u0e00-\u0e7f]")

BAD = {
    "scale negative": (["demo", "--scale", "-1"], "--scale"),
    "scale zero": (["demo", "--scale", "0"], "--scale"),
    "scale text": (["demo", "--scale", "big"], "--scale"),
    "scale nan": (["demo", "--scale", "nan"], "--scale"),
    "scale inf": (["demo", "--scale", "inf"], "--scale"),
    "seed negative": (["demo", "--seed", "-1"], "--seed"),
    "seed fraction": (["demo", "--seed", "1.5"], "--seed"),
    "format": (["demo", "--format", "pdf"], "--format"),
    "show negative": (["validate", "data", "--show", "-3"], "--show"),
    "show text": (["validate", "data", "--show", "all"], "--show"),
    "port zero": (["dashboard", "--port", "0"], "--port"),
    "port too big": (["dashboard", "--port", "70000"], "--port"),
    "port text": (["dashboard", "--port", "http"], "--port"),
    "jobs zero": (["batch", "--jobs", "0"], "--jobs"),
    "jobs negative": (["batch", "--jobs", "-2"], "--jobs"),
    "jobs too many": (["batch", "--jobs", "1000"], "--jobs"),
    "year text": (["batch", "--year", "last"], "--year"),
    "year too small": (["batch", "--year", "1"], "--year"),
    "year too big": (["batch", "--year", "99999"], "--year"),
    "batch lang": (["batch", "--lang", "fr"], "--lang"),
    "circles lang": (["circles", "export", "out.xlsx", "--lang", "de"], "--lang"),
    "circles action": (["circles", "delete", "out.xlsx"], "action"),
    "results engine": (["results", "build", "--engine", "spark"], "--engine"),
    "results workers zero": (["results", "build", "--workers", "0"], "--workers"),
    "batch engine": (["batch", "--national", "--engine", "polars"], "--engine"),
    "results workers without provinces": (["results", "build", "--workers", "2"], "--workers"),
    "batch provinces without national": (["batch", "--provinces", "80,81"], "--provinces"),
}


def _run(argv: list[str], capsys) -> tuple[int, str]:
    code = main(["--quiet", *argv])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("argv, option", BAD.values(), ids=BAD.keys())
def test_bad_option_value_gets_the_bilingual_error(argv, option, capsys):
    code, text = _run(argv, capsys)
    assert code == EXIT_ERROR
    assert "Traceback" not in text
    assert "ข้อผิดพลาด / error:" in text
    assert THAI.search(text.split("error:", 1)[1]), text  # Thai ...
    assert re.search(r" / [a-z]", text), text  # ... then English
    assert option in text and repr(argv[-1 if option != "action" else 1]) in text, text


@pytest.mark.parametrize(
    "argv",
    [[], ["frobnicate"], ["demo", "--colour", "red"], ["validate"]],
    ids=["no command", "unknown command", "unknown option", "missing path"],
)
def test_bad_command_line_gets_the_bilingual_error(argv, capsys):
    code, text = _run(argv, capsys)
    assert code == EXIT_ERROR
    assert "Traceback" not in text
    assert "คำสั่งไม่ถูกต้อง" in text and "bad command line" in text
    assert "usage: okanalysis" in text


def test_good_values_reach_the_command_as_numbers():
    parser = build_parser()
    args = parser.parse_args(["demo", "--scale", "0.02", "--seed", "7", "--format", "parquet"])
    assert (args.scale, args.seed, args.format) == (0.02, 7, "parquet")
    args = parser.parse_args(["batch", "--jobs", "2", "--year", "2551", "--lang", "en"])
    assert (args.jobs, args.year, args.lang) == (2, 2551, "en")
    assert parser.parse_args(["batch", "--year", "2008"]).year == 2008  # CE, read as 2551
    assert parser.parse_args(["dashboard", "--port", "8866"]).port == 8866
    assert parser.parse_args(["validate", "x", "--show", "0"]).show == 0
    # defaults are untouched
    args = parser.parse_args(["demo"])
    assert (args.scale, args.seed, args.format) == (1.0, 2551, "csv")
    assert parser.parse_args(["batch"]).jobs is None


def test_thai_digits_are_read():
    assert cli._scale("๐.๐๒") == pytest.approx(0.02)
    assert cli._year("๒๕๕๑") == 2551
    assert cli._port("๘๘๖๖") == 8866


def test_help_still_exits_cleanly(capsys):
    with pytest.raises(SystemExit) as done:
        main(["demo", "--help"])
    assert done.value.code == 0
    assert "--scale" in capsys.readouterr().out


def test_demo_runs_with_good_values(tmp_path, capsys):
    out = tmp_path / "demo"
    code = main(
        ["--quiet", "demo", "--scale", "0.02", "--seed", "3", "--out", str(out), "--no-validate"]
    )
    assert code == 0, capsys.readouterr().err
    assert (out / "villages.csv").exists()


def test_validate_the_demo_parquet(demo_parquet, capsys):
    code = main(["--quiet", "validate", str(demo_parquet), "--show", "5"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "validated: no problems" in out

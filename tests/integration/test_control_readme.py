"""control/README documents every control file the programs read."""
import pathlib
import re

from conftest import TOP

READERS = re.compile(r'(?<!->)\b(?:Line|Lines|Number|NumberInto|LineOrMe|CdbContains|CdbLookup)\(\s*"([A-Za-z0-9._-]+)"')


def documented():
    names = set()
    for line in (TOP / "control/README").read_text().splitlines():
        m = re.match(r"^([a-z0-9][a-z0-9._-]*)\s{2,}", line)
        if m:
            names.add(m.group(1))
    return names


def test_every_control_file_read_is_documented():
    read = {}
    for path in TOP.glob("*/*.cc"):
        if path.parts[-2] in ("tests", "build", "bench"):
            continue
        for name in READERS.findall(path.read_text(errors="replace")):
            read.setdefault(name, str(path.relative_to(TOP)))
    assert "checkpasswordsystem" in read and "databytes" in read, "the scan finds no readers"
    missing = {n: p for n, p in read.items() if n not in documented()}
    assert not missing, f"control files read but not in control/README: {missing}"


def test_every_control_file_is_listed_once():
    """control/README lists each control file exactly once (two entries for
    one file drift apart: they did, for seven files)."""
    seen = {}
    for number, line in enumerate((TOP / "control/README").read_text().splitlines(), 1):
        m = re.match(r"^([a-z0-9][a-z0-9._-]*)\s{2,}", line)
        if m:
            seen.setdefault(m.group(1), []).append(number)
    twice = {name: lines for name, lines in seen.items() if len(lines) > 1}
    assert not twice, f"listed more than once in control/README (name: lines): {twice}"

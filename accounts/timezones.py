"""The time zones a person can pick: current canonical IANA names, and the old names that lead to them.

``zoneinfo.available_timezones()`` holds about 600 names, and a third of
them are traps for a person picking from a list: fixed offsets whose sign is
the reverse of what they read (``Etc/GMT+5`` is five hours *behind* UTC),
rules without a place (``EST5EDT``) and old aliases kept for compatibility
(``US/Eastern``, ``Asia/Calcutta``). The list offered is the tz database's
``zone.tab`` (one entry per zone a country uses today, about 420) and
``UTC``. The aliases come from the ``L`` lines of ``tzdata.zi``: browsers
still report some of them (Chromium says ``Asia/Calcutta``), so a zone taken
from the browser is turned into its current name before it is kept.

Both files ship in the ``tzdata`` package (which django-celery-beat
installs) and in the system's ``/usr/share/zoneinfo``; whichever is found
first is read, once.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path

UTC = "UTC"
# Where zone.tab does not exist (a stripped image), a name under one of these
# areas is a place; Etc/, the POSIX rules and the old country aliases are not.
_AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


def _read(name: str) -> str:
    try:
        return resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return ""


@cache
def canonical_zones() -> frozenset[str]:
    """Every zone name a person may choose: the current ones places use, and UTC."""
    available = zoneinfo.available_timezones()
    listed = {line.split("\t")[2] for line in _read("zone.tab").splitlines() if line and not line.startswith("#")}
    if not listed:
        listed = {name for name in available if name.startswith(_AREAS)}
    return frozenset((listed & available) | {UTC})


@cache
def _links() -> dict[str, str]:
    """Old name -> the zone it stands for (``US/Eastern`` -> ``America/New_York``)."""
    links = {}
    for line in _read("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    for name in ("Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu", "GMT", "Etc/GMT"):
        links.setdefault(name, UTC)
    return links


def canonical(name: str) -> str | None:
    """The current name of zone ``name`` (itself if it is one), or None if it is no place's zone."""
    name = name.strip()
    if name in canonical_zones():
        return name
    target = _links().get(name)
    # A link may lead to a zone that is itself left out of zone.tab (a backward
    # link to a merged zone): the chain ends at a name on the list or nowhere.
    seen = set()
    while target is not None and target not in canonical_zones() and target not in seen:
        seen.add(target)
        target = _links().get(target)
    return target if target in canonical_zones() else None


def aliases_of(name: str) -> list[str]:
    """The old names that mean zone ``name`` (what a browser may report for it), sorted."""
    return sorted(alias for alias in _links() if alias != name and canonical(alias) == name)


def choices(now: datetime | None = None) -> list[tuple[str, str]]:
    """(name, its current offset from UTC) for every zone on the list, sorted by name, for the picker."""
    now = now or datetime.now(tz=zoneinfo.ZoneInfo(UTC))
    return [(name, _offset(name, now)) for name in sorted(canonical_zones())]


def _offset(name: str, now: datetime) -> str:
    offset = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "\u2212"  # a true minus sign, as people write it
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"

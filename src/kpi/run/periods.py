"""Reporting periods: parsing a period end (30.6 or 31.12), its Finnish label, and the periods that have params."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from kpi.errors import UsageError
from kpi.paths import PARAMS_DIR


def parse_period(text: str) -> dt.date:
    """Parse a period end given as ``YYYY-MM-DD`` (or ``d.m.yyyy``).

    Parameters
    ----------
    text : str
        E.g. ``"2023-06-30"`` or ``"31.12.2023"``.

    Returns
    -------
    datetime.date

    Raises
    ------
    UsageError
        When the text is not a date, or the date is not 30.6 or 31.12.
    """
    raw = str(text).strip()
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", raw)
    try:
        date = dt.date(int(m[3]), int(m[2]), int(m[1])) if m else dt.date.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"period {raw!r} is not a date; write it as YYYY-MM-DD, e.g. 2023-06-30") from None
    if (date.month, date.day) not in ((6, 30), (12, 31)):
        raise UsageError(
            f"period {raw!r} is not a period end: follow-up is at 30.6. and 31.12. "
            f"(e.g. {date.year}-06-30 or {date.year}-12-31)"
        )
    return date


def periods_with_params(params_dir: Path = PARAMS_DIR) -> list[dt.date]:
    """Return the period ends that have a ``params/<YYYY-MM-DD>.yaml`` file, oldest first."""
    found = []
    for path in Path(params_dir).glob("*.yaml"):
        try:
            found.append(parse_period(path.stem))
        except UsageError:
            continue  # default.yaml and other helper files
    return sorted(found)


def latest_period(params_dir: Path = PARAMS_DIR) -> dt.date:
    """Return the newest period end that has a params file."""
    periods = periods_with_params(params_dir)
    if not periods:
        raise UsageError(f"no period params in {params_dir}: add a file such as 2023-12-31.yaml")
    return periods[-1]


def check_in_programme(periods: list[dt.date], data_dir: Path, *, latest_in: Path | None = None) -> None:
    """Refuse, before anything is read or written, a period whose year has no targets in the data's strategy.

    `latest_in`: the params folder when the period was chosen by ``--latest`` (the newest params file); the message
    then also names the newest period within the programme. A params file added ahead of the strategy is never run
    silently, and no other period is run in its place.

    Raises
    ------
    PeriodOutsideProgrammeError
        Exit code 2, with one sentence naming the programme's years and what to do.
    """
    from kpi.errors import PeriodOutsideProgrammeError
    from kpi.inputs.strategy import load_strategy, outside_programme
    from kpi.paths import STRATEGY_FILE_NAME

    try:
        strategy = load_strategy(Path(data_dir) / STRATEGY_FILE_NAME)
    except Exception:  # a missing or broken strategy is the quality gate's to report, with every other problem
        return
    for period in periods:
        problem = outside_programme(strategy, period)
        if problem is None:
            continue
        if latest_in is not None:
            within = [p for p in periods_with_params(latest_in) if p.year in strategy.target_years]
            newest = (
                f"; the newest period within the programme is {within[-1].day}.{within[-1].month}."
                f"{within[-1].year}: --period {within[-1].isoformat()}"
                if within
                else ""
            )
            problem = f"{problem.removesuffix('.')} (--latest took the newest params file{newest})."
        raise PeriodOutsideProgrammeError(problem)

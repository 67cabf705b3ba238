"""The package's exception hierarchy; each class carries the CLI exit code it maps to."""

from __future__ import annotations


class KpiError(Exception):
    """Base class of every error `kpi` raises on purpose; the CLI prints its message, never a traceback."""

    exit_code = 1


class UsageError(KpiError):
    """Bad command-line arguments: an unknown period, a malformed ``--set`` and the like."""

    exit_code = 2


class ParameterError(UsageError):
    """A parameter file or override is invalid (unknown key, wrong type, unreadable YAML)."""


class PeriodOutsideProgrammeError(UsageError):
    """The period asked for is outside the strategy's years (no targets for its year): choose another period or
    bring a strategy that covers it. Exit 2 like any period that cannot be run; nothing is read or written."""


class DataError(KpiError):
    """Input data cannot be used; nothing is written or published."""

    exit_code = 3


class StrategyError(DataError):
    """The strategy file (strategia.yaml) is broken: every problem found is listed in the message."""


class InputFileError(DataError):
    """An input table cannot be read or typed; the message names the file, the columns and the rows."""


class DataCheckError(DataError):
    """Inputs were read but do not fit together for the requested period (missing values, unknown ids …)."""


class ChromiumError(KpiError):
    """Chromium, which prints the PDFs, is missing or could not print a page; nothing was written."""

    exit_code = 5


class NotebookError(KpiError):
    """A workbook failed while it was executed."""

    exit_code = 4


def format_problems(title: str, problems: list[str], *, limit: int = 30) -> str:
    """Render a title and a bulleted list of problems as one message, cut after `limit` items.

    Parameters
    ----------
    title : str
        First line, e.g. ``"data/raw/havainnot.csv has 2 problems:"``.
    problems : list of str
        One line per problem.
    limit : int
        How many problems to show; the rest are counted.

    Returns
    -------
    str
    """
    shown = [f"  - {p}" for p in problems[:limit]]
    if len(problems) > limit:
        shown.append(f"  … and {len(problems) - limit} more")
    return "\n".join([title, *shown])


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM: the run stops and keeps nothing half-made; exit code 128 + the signal's number.

    A KeyboardInterrupt, not a KpiError: no ``except Exception`` on the way may swallow it.
    """

    def __init__(self, signum: int) -> None:
        import signal

        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_code = 128 + signum

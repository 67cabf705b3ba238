"""`kpi fetch`: download the comparison tables from StatFin and Sotkanet into ``<data_dir>/avoin/``, all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from kpi import __version__
from kpi.errors import KpiError, ParameterError
from kpi.files import replace_folder, staging_folder
from kpi.paths import display
from kpi.run.progress import Progress

AVOIN = "avoin"
STATFIN_URL = "https://pxdata.stat.fi/PXWeb/api/v1/fi/StatFin"
SOTKANET_URL = "https://sotkanet.fi/rest/1.1"

# Statistics Finland's PxWeb API v1 serves at most 30 queries per 10 s per IP address and 120 000 cells per query
# (its own answer at https://pxdata.stat.fi/PXWeb/api/v1/fi/?config, which https://pxdata.stat.fi/api1.html points
# to; the same figures are in the rOpenGov pxweb client's API catalogue). A query over the limit gets HTTP 429.
STATFIN_CALLS, STATFIN_WINDOW_S, STATFIN_MAX_CELLS = 30, 10.0, 120_000
# THL publishes no rate limit for Sotkanet's REST API 1.1. A fetch makes a handful of requests to it; this limit only
# keeps a retry loop from hammering the service.
SOTKANET_CALLS, SOTKANET_WINDOW_S = 10, 10.0
SOTKANET_GENDER = "total"
WHOLE_COUNTRY = "SSS"  # StatFin's code for the whole country in its area dimensions

# Worth another try: the service is busy (429) or briefly broken (5xx). A 400, 403 or 404 is the query's fault and
# would fail the same way again.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BACKOFF_FIRST_S, BACKOFF_CAP_S = 1.0, 30.0
# A Retry-After longer than this means maintenance: saying so beats a command that seems to hang.
MAX_RETRY_AFTER_S = 300.0
BODY_CHARS = 300
# Sotkanet refuses requests without a User-Agent (403); naming the client also lets the services' admins reach us.
USER_AGENT = f"kpi/{__version__} (Kemijarvi audit committee reports; Python urllib)"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class FetchError(KpiError):
    """A download failed; the message names the table, the URL and what happened, and nothing was changed."""

    exit_code = 1


@dataclass(frozen=True)
class StatfinTable:
    """One StatFin table: the name of its saved file, its path under the database, its area dimension, other selections."""

    name: str
    path: str
    geo: str
    select: dict[str, list[str]]


@dataclass
class FetchSettings:
    """What `kpi fetch` downloads and from where: ``comparison`` and ``comparison.fetch`` of the parameters."""

    municipality: str
    peers: list[str]
    statfin_url: str = STATFIN_URL
    sotkanet_url: str = SOTKANET_URL
    timeout_s: float = 30.0
    retries: int = 4
    statfin_tables: list[StatfinTable] = field(default_factory=list)
    sotkanet_indicators: list[int] = field(default_factory=list)
    sotkanet_years: tuple[int, int] | None = None
    statfin_calls: int = STATFIN_CALLS
    statfin_window_s: float = STATFIN_WINDOW_S
    sotkanet_calls: int = SOTKANET_CALLS
    sotkanet_window_s: float = SOTKANET_WINDOW_S

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> FetchSettings:
        """Build the settings from merged parameters; a missing or malformed key raises :class:`ParameterError`.

        Parameters
        ----------
        params : mapping
            The merged parameters; only ``params["comparison"]`` is read.

        Returns
        -------
        FetchSettings
        """
        comparison = params.get("comparison")
        if not isinstance(comparison, Mapping):
            raise ParameterError(
                "comparison is missing from the parameters: kpi fetch needs comparison.municipality and comparison.fetch."
            )
        fetch_params = comparison.get("fetch") or {}
        if not isinstance(fetch_params, Mapping):
            raise ParameterError("comparison.fetch must be a mapping (statfin_url, sotkanet_url, statfin_tables …).")
        peers = comparison.get("peers") or []
        if not isinstance(peers, list):
            raise ParameterError(f"comparison.peers must be a list of municipality codes, not {peers!r}.")
        tables = [_table(i, item) for i, item in enumerate(fetch_params.get("statfin_tables") or [])]
        names = [t.name for t in tables]
        if len(set(names)) != len(names):
            raise ParameterError(
                f"comparison.fetch.statfin_tables: each table needs its own name; twice: {sorted({n for n in names if names.count(n) > 1})}."
            )
        indicators = fetch_params.get("sotkanet_indicators") or []
        if not isinstance(indicators, list) or not all(_is_int(i) for i in indicators):
            raise ParameterError(
                f"comparison.fetch.sotkanet_indicators must be a list of indicator numbers, not {indicators!r}."
            )
        years = fetch_params.get("sotkanet_years")
        span: tuple[int, int] | None = None
        if indicators:
            if not (
                isinstance(years, list)
                and len(years) == 2
                and all(_is_int(y) for y in years)
                and int(years[0]) <= int(years[1])
            ):
                raise ParameterError(f"comparison.fetch.sotkanet_years must be [first year, last year], not {years!r}.")
            span = (int(years[0]), int(years[1]))
        try:
            timeout_s, retries = float(fetch_params.get("timeout_s", 30)), int(fetch_params.get("retries", 4))
        except (TypeError, ValueError):
            raise ParameterError("comparison.fetch.timeout_s and comparison.fetch.retries must be numbers.") from None
        settings = cls(
            municipality=municipality_code(comparison.get("municipality"), "comparison.municipality"),
            peers=[municipality_code(p, "comparison.peers") for p in peers],
            statfin_url=str(fetch_params.get("statfin_url") or STATFIN_URL),
            sotkanet_url=str(fetch_params.get("sotkanet_url") or SOTKANET_URL),
            timeout_s=timeout_s,
            retries=retries,
            statfin_tables=tables,
            sotkanet_indicators=[int(i) for i in indicators],
            sotkanet_years=span,
        )
        if settings.timeout_s <= 0 or settings.retries < 0:
            raise ParameterError("comparison.fetch.timeout_s must be positive and comparison.fetch.retries at least 0.")
        return settings

    def codes(self) -> list[str]:
        """The municipality and its peers as three-digit codes (``["320", "240", …]``), the municipality first."""
        return _unique([self.municipality, *self.peers])


def municipality_code(value: object, where: str = "municipality code") -> str:
    """A municipality code as Statistics Finland writes it: three digits, ``5`` → ``"005"``."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or len(text) > 3:
        raise ParameterError(f"{where}: {value!r} is not a municipality code (one to three digits, like 320).")
    return f"{int(text):03d}"


def fetch(
    settings: FetchSettings,
    codes: Sequence[str],
    data_dir: Path,
    *,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Path]:
    """Download every configured table into ``<data_dir>/avoin/``, each beside a ``.meta.json`` sidecar.

    Everything is downloaded into a hidden staging folder first; ``avoin/`` is replaced by it in one rename only when
    every download succeeded, so a failure or Ctrl-C midway leaves the data folder exactly as it was. Files of an
    earlier fetch are replaced as a whole; files in ``avoin/`` that no fetch writes (not ``statfin_*`` or
    ``sotkanet_*``) are carried over.

    Parameters
    ----------
    settings : FetchSettings
        Tables, indicators, base URLs, timeout and retries.
    codes : sequence of str
        The municipality and its peers (``"320"`` or ``320``); the caller resolves the peer rule.
    data_dir : Path
        The data folder; the files go to its ``avoin/``.
    progress : Progress, optional
        One step line per table on a terminal; retries are noted.
    clock, sleep : callables
        Monotonic seconds and a pause, injected so tests need not wait.

    Returns
    -------
    list of Path
        The saved data files in ``avoin/`` (not the sidecars), StatFin tables first.

    Raises
    ------
    FetchError
        A download failed (offline, timeout, an HTTP error, an answer that is not JSON); nothing was changed.
    ParameterError
        A code or a table definition cannot be used.
    """
    progress = progress or Progress(enabled=False)
    codes = _unique([municipality_code(c) for c in codes])
    target = Path(data_dir) / AVOIN
    client = _Client(settings, target, clock=clock, sleep=sleep, progress=progress)
    statfin = client.limiter(settings.statfin_url, settings.statfin_calls, settings.statfin_window_s)
    sotkanet = client.limiter(settings.sotkanet_url, settings.sotkanet_calls, settings.sotkanet_window_s)
    queries = [(table, statfin_query(table, codes)) for table in settings.statfin_tables]
    for table, query in queries:  # before any download: a query StatFin must refuse is the parameters' fault
        cells = _cells(query)
        if cells > STATFIN_MAX_CELLS:
            raise ParameterError(
                f"comparison.fetch.statfin_tables {table.name} asks for {cells} cells; StatFin answers at most "
                f"{STATFIN_MAX_CELLS} per query: split the table or select fewer values."
            )
    years = settings.sotkanet_years or (0, -1)
    if settings.sotkanet_indicators and settings.sotkanet_years is None:
        raise ParameterError(
            "comparison.fetch.sotkanet_years must be [first year, last year] when indicators are listed."
        )
    total = len(queries) + (1 + len(settings.sotkanet_indicators) if settings.sotkanet_indicators else 0)
    staging = _Staging(Path(data_dir), target)
    saved: list[str] = []
    try:
        for number, (table, query) in enumerate(queries, start=1):
            with progress.step(f"Fetching StatFin {table.name} ({number}/{total})"):
                url = _join(settings.statfin_url, urllib.parse.quote(table.path.lstrip("/"), safe="/"))
                body = json.dumps(query, ensure_ascii=False).encode("utf-8")
                answer = client.request(f"StatFin table {table.name}", url, body=body, limiter=statfin)
                saved.append(staging.save(f"statfin_{table.name}", answer, query))
        if settings.sotkanet_indicators:
            with progress.step(f"Fetching Sotkanet regions ({len(queries) + 1}/{total})"):
                url = _join(settings.sotkanet_url, "regions")
                answer = client.request("Sotkanet's region list", url, limiter=sotkanet)
                saved.append(staging.save("sotkanet_regions", answer, {}))
                region_ids = sotkanet_region_ids(answer.json, codes, url=url, target=target)
            first, last = years
            for number, indicator in enumerate(settings.sotkanet_indicators, start=len(queries) + 2):
                with progress.step(f"Fetching Sotkanet indicator {indicator} ({number}/{total})"):
                    # The API has no documented region filter: the answer covers every region, saved as received;
                    # the sidecar names the wanted regions' ids so the importer can keep those rows.
                    query = {
                        "indicator": [str(indicator)],
                        "years": [str(y) for y in range(first, last + 1)],
                        "genders": [SOTKANET_GENDER],
                    }
                    url = _join(settings.sotkanet_url, "json") + "?" + urllib.parse.urlencode(query, doseq=True)
                    answer = client.request(f"Sotkanet indicator {indicator}", url, limiter=sotkanet)
                    saved.append(staging.save(f"sotkanet_{indicator}", answer, query, regions=region_ids))
        staging.publish()
    finally:
        staging.discard()
    progress.kept.append(f"{len(saved)} downloaded tables in {display(target)}")
    return [target / name for name in saved]


def statfin_query(table: StatfinTable, codes: Sequence[str]) -> dict[str, Any]:
    """The PxWeb POST body for `table`: the whole country and each municipality (``KU320``), then its other selections."""
    geo = [WHOLE_COUNTRY, *(f"KU{municipality_code(c)}" for c in codes)]
    selections = [
        (table.geo, _unique(geo)),
        *((code, [str(v) for v in values]) for code, values in table.select.items()),
    ]
    return {
        "query": [{"code": code, "selection": {"filter": "item", "values": values}} for code, values in selections],
        "response": {"format": "json-stat2"},
    }


def sotkanet_region_ids(
    regions: Any, codes: Sequence[str], *, url: str = "", target: Path | None = None
) -> dict[str, int]:
    """Map each municipality code to Sotkanet's own region id, from its region list (category ``KUNTA`` only).

    Other categories reuse codes (a seutukunta is ``194``, a maakunta ``19``), so the category decides.
    """
    if not isinstance(regions, list):
        raise FetchError(
            f"Sotkanet's region list ({url}) is not a list of regions but {type(regions).__name__}. {_unchanged(target)}"
        )
    kunta: dict[str, int] = {}
    for region in regions:
        if isinstance(region, Mapping) and region.get("category") == "KUNTA":
            code, region_id = str(region.get("code", "")).strip(), region.get("id")
            if code.isdigit() and len(code) <= 3 and _is_int(region_id):
                kunta[f"{int(code):03d}"] = int(str(region_id))
    missing = [c for c in codes if municipality_code(c) not in kunta]
    if missing:
        raise FetchError(
            f"Sotkanet's region list ({url}) has no municipality (KUNTA) with the code {', '.join(missing)} — check "
            f"comparison.municipality and comparison.peers. {_unchanged(target)}"
        )
    return {municipality_code(c): kunta[municipality_code(c)] for c in codes}


class RateLimiter:
    """At most `calls` requests in any `window_s` seconds: a sliding window over the last `calls` request times."""

    def __init__(
        self, calls: int, window_s: float, *, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        self.calls, self.window_s = max(1, int(calls)), float(window_s)
        self.clock, self.sleep = clock, sleep
        self._times: deque[float] = deque(maxlen=self.calls)

    def wait(self) -> float:
        """Pause until one more request fits in the window, count it, and return how long it paused."""
        now = self.clock()
        paused = 0.0
        if len(self._times) == self.calls:
            free_at = self._times[0] + self.window_s
            if free_at > now:
                paused = free_at - now
                self.sleep(paused)
                now = max(self.clock(), free_at)  # a clock that did not move still counts the request after the pause
        self._times.append(now)
        return paused


@dataclass
class _Answer:
    url: str
    method: str
    status: int
    body: bytes
    json: Any
    retrieved_at: str


class _Client:
    """Requests with timeouts, retries with back-off, Retry-After and one rate limiter per host."""

    def __init__(
        self,
        settings: FetchSettings,
        target: Path,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        progress: Progress,
    ) -> None:
        self.settings, self.target = settings, target
        self.clock, self.sleep, self.progress = clock, sleep, progress
        self.limiters: dict[str, RateLimiter] = {}

    def limiter(self, base_url: str, calls: int, window_s: float) -> RateLimiter:
        # Keyed by host: the services count requests per host and IP, so two base URLs on one host share a limit
        # (the first one registered, StatFin's, is the stricter).
        host = urllib.parse.urlsplit(base_url).netloc.lower()
        return self.limiters.setdefault(host, RateLimiter(calls, window_s, clock=self.clock, sleep=self.sleep))

    def request(self, what: str, url: str, *, body: bytes | None = None, limiter: RateLimiter) -> _Answer:
        method = "POST" if body is not None else "GET"
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        host = urllib.parse.urlsplit(url).netloc
        attempts = self.settings.retries + 1
        for attempt in range(1, attempts + 1):
            limiter.wait()
            request = urllib.request.Request(url, data=body, headers=headers, method=method)
            try:
                with urllib.request.urlopen(request, timeout=self.settings.timeout_s) as response:
                    data = response.read()
                    status = response.status
            except urllib.error.HTTPError as exc:
                text = _snippet(_read(exc))
                status_text = f"HTTP {exc.code} {exc.reason}".rstrip()
                if exc.code not in RETRY_STATUSES:
                    hint = (
                        " (more cells than StatFin serves in one query?)"
                        if exc.code == 403 and body is not None
                        else ""
                    )
                    raise FetchError(
                        f"Could not fetch {what}: {url} answered {status_text}{hint}: {text} — check comparison.fetch "
                        f"in the parameters. {_unchanged(self.target)}"
                    ) from None
                wait = _retry_after(exc.headers)
                if wait is not None and wait > MAX_RETRY_AFTER_S:
                    raise FetchError(
                        f"Could not fetch {what}: {host} answered {status_text} and asks to wait {wait:.0f} s — the "
                        f"service is down for now; try again later. {_unchanged(self.target)}"
                    ) from None
                delay = _backoff(attempt) if wait is None else wait
                problem = f"{host} answered {status_text}"
                final = f"{url} answered {status_text} {attempts} times: {text} — the service is busy or down; try again later."
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                delay = _backoff(attempt)
                if isinstance(reason, TimeoutError):
                    problem = f"{host} did not answer within {self.settings.timeout_s:g} s"
                    final = f"{problem} (tried {attempts} times) — offline, or the service is slow?"
                else:
                    problem = f"could not connect to {host}: {_one_line(str(reason) or type(reason).__name__)}"
                    final = f"{problem} (tried {attempts} times) — offline?"
            else:
                return self._answer(what, url, method, status, data)
            if attempt == attempts:
                raise FetchError(f"Could not fetch {what}: {final} {_unchanged(self.target)}")
            self.progress.note(f"{what}: {problem}; trying again in {delay:g} s (retry {attempt} of {attempts - 1})")
            self.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _answer(self, what: str, url: str, method: str, status: int, data: bytes) -> _Answer:
        try:  # a maintenance page served with 200 must not be saved as the table
            parsed = json.loads(data)
        except ValueError:
            raise FetchError(
                f"Could not fetch {what}: {url} answered HTTP {status} but not with JSON: {_snippet(data)} "
                f"{_unchanged(self.target)}"
            ) from None
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        return _Answer(url=url, method=method, status=status, body=data, json=parsed, retrieved_at=now)


class _Staging:
    """The hidden folder the files are downloaded into; made at the first file, so an offline fetch creates nothing."""

    def __init__(self, data_dir: Path, target: Path) -> None:
        self.data_dir, self.target = data_dir, target
        self.folder: Path | None = None

    def save(self, stem: str, answer: _Answer, query: Mapping[str, Any], **extra: Any) -> str:
        name = f"{stem}.json"
        meta = {
            "file": name,
            "url": answer.url,
            "method": answer.method,
            "query": query,
            "retrieved_at": answer.retrieved_at,
            "status": answer.status,
            "sha256": hashlib.sha256(answer.body).hexdigest(),
            "bytes": len(answer.body),
            **extra,
        }
        try:
            if self.folder is None:
                self.folder = staging_folder(self.data_dir, f".{AVOIN}-")
            (self.folder / name).write_bytes(answer.body)  # the bytes as received: the sha256 is of exactly these
            (self.folder / f"{stem}.meta.json").write_text(
                json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        except OSError as exc:
            raise FetchError(
                f"Could not save {name} in {display(self.data_dir)}: {exc.strerror or exc}. {_unchanged(self.target)}"
            ) from None
        return name

    def publish(self) -> None:
        if self.folder is None:
            return  # nothing configured, nothing fetched: avoin/ stays as it is
        try:
            if self.target.is_dir():
                for old in self.target.iterdir():  # files the fetch does not own (a hand-made note …) stay
                    if (
                        not old.name.startswith(("statfin_", "sotkanet_", "."))
                        and not (self.folder / old.name).exists()
                    ):
                        if old.is_dir():
                            shutil.copytree(old, self.folder / old.name, symlinks=True)
                        else:
                            shutil.copy2(old, self.folder / old.name, follow_symlinks=False)
            replace_folder(self.folder, self.target)
        except OSError as exc:
            raise FetchError(
                f"Could not move the downloads into {display(self.target)}: {exc.strerror or exc}. {_unchanged(self.target)}"
            ) from None
        self.folder = None

    def discard(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def _table(index: int, item: object) -> StatfinTable:
    where = f"comparison.fetch.statfin_tables[{index}]"
    if not isinstance(item, Mapping):
        raise ParameterError(f"{where} must be a mapping with name, path, geo and select, not {item!r}.")
    name, path, geo, select = item.get("name"), item.get("path"), item.get("geo"), item.get("select") or {}
    if not isinstance(name, str) or not _NAME.match(name):
        raise ParameterError(f"{where}.name must be a file-name-safe word (letters, digits, _ and -), not {name!r}.")
    if not isinstance(path, str) or not path.strip().endswith(".px"):
        raise ParameterError(
            f"{where} ({name}).path must be the table's path ending in .px, like vaerak/statfin_vaerak_pxt_11ra.px, not {path!r}."
        )
    if not isinstance(geo, str) or not geo.strip():
        raise ParameterError(f"{where} ({name}).geo must name the table's area dimension, like Alue, not {geo!r}.")
    if not isinstance(select, Mapping) or not all(isinstance(v, list) and v for v in select.values()):
        raise ParameterError(
            f"{where} ({name}).select must map each dimension code to a list of values, not {select!r}."
        )
    return StatfinTable(
        name=name, path=path.strip(), geo=geo.strip(), select={str(k): [str(v) for v in vs] for k, vs in select.items()}
    )


def _cells(query: Mapping[str, Any]) -> int:
    cells = 1
    for part in query["query"]:
        cells *= len(part["selection"]["values"])
    return cells


def _join(base: str, path: str) -> str:
    return f"{base.rstrip('/')}/{path.lstrip('/')}"


def _backoff(attempt: int) -> float:
    return min(BACKOFF_FIRST_S * 2 ** (attempt - 1), BACKOFF_CAP_S)


def _retry_after(headers: Message | None) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date), None without a usable one."""
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


def _read(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read()
    except (OSError, http.client.HTTPException):
        return b""


def _snippet(data: bytes) -> str:
    text = _one_line(data.decode("utf-8", errors="replace"))
    return repr(text[:BODY_CHARS] + ("…" if len(text) > BODY_CHARS else "")) if text else "(empty body)"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _unchanged(target: Path | None) -> str:
    return f"Nothing was changed in {display(target)}." if target is not None else "Nothing was changed."


def _unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _is_int(value: object) -> bool:
    return not isinstance(value, bool) and str(value).strip().isdigit()

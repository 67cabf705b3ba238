"""`kpi fetch` against a real local HTTP server answering with recorded StatFin and Sotkanet responses."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import signal
import socket
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kpi.errors import Interrupted, ParameterError
from kpi.run.fetch import (
    STATFIN_CALLS,
    STATFIN_WINDOW_S,
    FetchError,
    FetchSettings,
    RateLimiter,
    fetch,
    sotkanet_region_ids,
    statfin_query,
)
from kpi.run.progress import Progress

FIXTURES = Path(__file__).parents[1] / "fixtures" / "fetch"
STATFIN_BODY = (FIXTURES / "statfin-vaerak-11rc-jsonstat2.json").read_bytes()
REGIONS_BODY = (FIXTURES / "sotkanet-regions.json").read_bytes()
SOTKANET_127_BODY = (FIXTURES / "sotkanet-127.json").read_bytes()
PEERS = [240, 851, 305, 758, 732, 614, 583, 698]
CODES = ["320", *(str(p) for p in PEERS)]
STATFIN_BASE = "/PXWeb/api/v1/fi/StatFin"
SOTKANET_BASE = "/rest/1.1"
REGION_IDS = {
    "320": 9001,
    "240": 9002,
    "851": 9003,
    "305": 9004,
    "758": 9005,
    "732": 9006,
    "614": 9007,
    "583": 9008,
    "698": 9009,
}


@dataclasses.dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    delay_s: float = 0.0


@dataclasses.dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: dict[str, str]


class RecordedServer(ThreadingHTTPServer):
    """Answers each path with its queue of replies (the last one repeats) and records every request it saw."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, list[Reply]] = {}
        self.seen: list[Seen] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def route(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def handle_error(self, request, client_address) -> None:  # a client that timed out closed its socket: expected
        pass


class _Handler(BaseHTTPRequestHandler):
    server: RecordedServer

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        self.server.seen.append(Seen(self.command, parts.path, parse_qs(parts.query), body, dict(self.headers)))
        queue = self.server.routes.get(parts.path)
        reply = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else Reply(404, b"no such table")
        if reply.delay_s:
            time.sleep(reply.delay_s)
        self.send_response(reply.status)
        for name, value in {"Content-Type": "application/json; charset=utf-8", **reply.headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[RecordedServer]:
    httpd = RecordedServer()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


class FakeTime:
    """A clock that moves only when slept on, and the list of the pauses."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def table_path(name: str) -> str:
    return f"{STATFIN_BASE}/vaerak/statfin_vaerak_pxt_{name}.px"


def params(
    statfin_url: str, sotkanet_url: str, tables: list[str], indicators: list[int], **fetch_extra: object
) -> dict:
    return {
        "comparison": {
            "municipality": 320,
            "peers": PEERS,
            "fetch": {
                "statfin_url": statfin_url,
                "sotkanet_url": sotkanet_url,
                "timeout_s": 5,
                "retries": 4,
                "statfin_tables": [
                    {
                        "name": name,
                        "path": f"vaerak/statfin_vaerak_pxt_{name}.px",
                        "geo": "Alue",
                        "select": {"Tiedot": ["vaesto"], "Vuosi": ["2020", "2021", "2022"]},
                    }
                    for name in tables
                ],
                "sotkanet_indicators": indicators,
                "sotkanet_years": [2000, 2022],
                **fetch_extra,
            },
        }
    }


def settings_for(
    server: RecordedServer, tables: list[str] | None = None, indicators: list[int] | None = None, **changes: object
) -> FetchSettings:
    tables = ["11ra", "11rb"] if tables is None else tables
    indicators = [127] if indicators is None else indicators
    settings = FetchSettings.from_params(
        params(server.url + STATFIN_BASE, server.url + SOTKANET_BASE, tables, indicators)
    )
    for name in tables:
        server.routes.setdefault(table_path(name), [Reply(body=STATFIN_BODY)])
    server.routes.setdefault(f"{SOTKANET_BASE}/regions", [Reply(body=REGIONS_BODY)])
    server.routes.setdefault(f"{SOTKANET_BASE}/json", [Reply(body=SOTKANET_127_BODY)])
    return dataclasses.replace(settings, **changes)


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A data folder with an earlier fetch's file, a hand-made note in avoin/ and an input file beside it."""
    folder = tmp_path / "data"
    (folder / "avoin").mkdir(parents=True)
    (folder / "avoin" / "statfin_old.json").write_bytes(b'{"old": true}')
    (folder / "avoin" / "statfin_old.meta.json").write_text('{"sha256": "…"}', encoding="utf-8")
    (folder / "avoin" / "muistiinpano.txt").write_text("haettu käsin 1.3.2024\n", encoding="utf-8")
    (folder / "havainnot.csv").write_text("tunnus;arvo\nH1-M1;1\n", encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, str | None]:
    """Every entry under `folder` (hidden ones too) with the sha256 of each file, to compare before and after."""
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestSettings:
    def test_from_params_reads_the_comparison_block(self):
        settings = FetchSettings.from_params(
            params(
                "https://pxdata.stat.fi/PXWeb/api/v1/fi/StatFin", "https://sotkanet.fi/rest/1.1", ["vaesto_11ra"], [127]
            )
        )
        assert settings.codes() == CODES
        assert settings.statfin_tables[0].geo == "Alue" and settings.statfin_tables[0].select["Vuosi"] == [
            "2020",
            "2021",
            "2022",
        ]
        assert settings.sotkanet_indicators == [127] and settings.sotkanet_years == (2000, 2022)
        assert (settings.timeout_s, settings.retries) == (5.0, 4)
        assert (settings.statfin_calls, settings.statfin_window_s) == (STATFIN_CALLS, STATFIN_WINDOW_S) == (30, 10.0)

    @pytest.mark.parametrize(
        ("change", "words"),
        [
            ({"sotkanet_years": [2022, 2000]}, "sotkanet_years"),
            ({"statfin_tables": [{"name": "../x", "path": "a.px", "geo": "Alue"}]}, "statfin_tables[0].name"),
            ({"statfin_tables": [{"name": "x", "path": "a.csv", "geo": "Alue"}]}, ".px"),
            ({"retries": "many"}, "retries"),
        ],
    )
    def test_bad_fetch_parameters_name_the_key(self, change, words):
        with pytest.raises(ParameterError, match=words.replace(".", r"\.").replace("[", r"\[").replace("]", r"\]")):
            FetchSettings.from_params(params("https://x", "https://y", [], [127], **change))

    def test_a_bad_municipality_code_is_a_parameter_error(self):
        bad = params("https://x", "https://y", [], [])
        bad["comparison"]["peers"] = [240, "Kemi"]
        with pytest.raises(ParameterError, match="comparison.peers: 'Kemi'"):
            FetchSettings.from_params(bad)

    def test_statfin_query_asks_for_the_country_and_every_municipality(self):
        settings = FetchSettings.from_params(params("https://x", "https://y", ["vaesto_11ra"], []))
        query = statfin_query(settings.statfin_tables[0], ["320", "5", "240"])
        assert query["query"][0] == {
            "code": "Alue",
            "selection": {"filter": "item", "values": ["SSS", "KU320", "KU005", "KU240"]},
        }
        assert query["response"] == {"format": "json-stat2"}

    def test_sotkanet_regions_map_by_kunta_category_only(self):
        regions = [
            {"id": 1, "code": "320", "category": "SEUTUKUNTA"},  # another category reusing the code must not win
            {"id": 2, "code": "320", "category": "KUNTA"},
            {"id": 3, "code": "5", "category": "KUNTA"},
        ]
        assert sotkanet_region_ids(regions, ["320", "005"]) == {"320": 2, "005": 3}
        with pytest.raises(FetchError, match="no municipality \\(KUNTA\\) with the code 240"):
            sotkanet_region_ids(regions, ["320", "240"])


class TestFetch:
    def test_saves_every_table_with_its_sidecar(self, server, data_dir):
        started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        files = fetch(settings_for(server), CODES, data_dir, sleep=FakeTime().sleep)

        avoin = data_dir / "avoin"
        names = ["statfin_11ra.json", "statfin_11rb.json", "sotkanet_regions.json", "sotkanet_127.json"]
        assert files == [avoin / n for n in names]
        assert [f.read_bytes() for f in files] == [STATFIN_BODY, STATFIN_BODY, REGIONS_BODY, SOTKANET_127_BODY]
        for data_file in files:
            meta = json.loads(data_file.with_suffix(".meta.json").read_text(encoding="utf-8"))
            assert meta["sha256"] == hashlib.sha256(data_file.read_bytes()).hexdigest()
            assert meta["status"] == 200 and meta["file"] == data_file.name
            retrieved = dt.datetime.fromisoformat(meta["retrieved_at"].replace("Z", "+00:00"))
            assert meta["retrieved_at"].endswith("Z") and started <= retrieved <= dt.datetime.now(dt.timezone.utc)

        # StatFin: one POST per table, the body asking for the whole country and the nine municipalities
        for name in ("11ra", "11rb"):
            (seen,) = server.requests_to(table_path(name))
            meta = json.loads((avoin / f"statfin_{name}.meta.json").read_text(encoding="utf-8"))
            assert seen.method == "POST" == meta["method"] and meta["url"] == server.url + table_path(name)
            assert json.loads(seen.body) == meta["query"]
            assert meta["query"]["query"][0]["selection"]["values"] == [
                "SSS",
                "KU320",
                "KU240",
                "KU851",
                "KU305",
                "KU758",
                "KU732",
                "KU614",
                "KU583",
                "KU698",
            ]
            assert seen.headers["Content-Type"].startswith("application/json") and seen.headers[
                "User-Agent"
            ].startswith("kpi/")

        # Sotkanet: the region list, then the indicator for every year as GET parameters
        (regions,) = server.requests_to(f"{SOTKANET_BASE}/regions")
        (data,) = server.requests_to(f"{SOTKANET_BASE}/json")
        assert regions.method == data.method == "GET"
        expected = {"indicator": ["127"], "years": [str(y) for y in range(2000, 2023)], "genders": ["total"]}
        meta = json.loads((avoin / "sotkanet_127.meta.json").read_text(encoding="utf-8"))
        assert data.query == expected == meta["query"]
        assert (
            urlsplit(meta["url"]).path == f"{SOTKANET_BASE}/json" and parse_qs(urlsplit(meta["url"]).query) == expected
        )
        assert meta["regions"] == REGION_IDS  # the importer keeps these rows of the unfiltered answer

        # the earlier fetch's file is replaced, the hand-made note stays, nothing is left beside avoin/
        assert not (avoin / "statfin_old.json").exists()
        assert (avoin / "muistiinpano.txt").read_text(encoding="utf-8") == "haettu käsin 1.3.2024\n"
        assert sorted(p.name for p in data_dir.iterdir()) == ["avoin", "havainnot.csv"]

    def test_503_twice_then_200_retries_with_growing_delays(self, server, data_dir):
        server.route(table_path("11ra"), Reply(503, b"busy"), Reply(503, b"busy"), Reply(body=STATFIN_BODY))
        clock = FakeTime()
        files = fetch(settings_for(server, ["11ra"], []), CODES, data_dir, clock=clock.clock, sleep=clock.sleep)
        assert files[0].read_bytes() == STATFIN_BODY
        assert len(server.requests_to(table_path("11ra"))) == 3
        assert clock.sleeps == [1.0, 2.0]

    def test_retry_after_is_honoured_over_the_back_off(self, server, data_dir):
        server.route(table_path("11ra"), Reply(503, headers={"Retry-After": "5"}), Reply(502), Reply(body=STATFIN_BODY))
        clock = FakeTime()
        fetch(settings_for(server, ["11ra"], []), CODES, data_dir, clock=clock.clock, sleep=clock.sleep)
        assert clock.sleeps == [5.0, 2.0]

    def test_429_with_retry_after_7_sleeps_7_seconds(self, server, data_dir):
        server.route(
            table_path("11ra"), Reply(429, b"Too many requests", {"Retry-After": "7"}), Reply(body=STATFIN_BODY)
        )
        clock = FakeTime()
        fetch(settings_for(server, ["11ra"], []), CODES, data_dir, clock=clock.clock, sleep=clock.sleep)
        assert clock.sleeps == [7.0]

    def test_retry_after_as_an_http_date(self, server, data_dir):
        when = formatdate(time.time() + 4, usegmt=True)
        server.route(table_path("11ra"), Reply(503, headers={"Retry-After": when}), Reply(body=STATFIN_BODY))
        clock = FakeTime()
        fetch(settings_for(server, ["11ra"], []), CODES, data_dir, clock=clock.clock, sleep=clock.sleep)
        assert len(clock.sleeps) == 1 and 2.0 <= clock.sleeps[0] <= 4.0

    def test_503_every_time_gives_up_after_the_retries(self, server, data_dir):
        before = snapshot(data_dir)
        server.route(table_path("11ra"), Reply(503, b"<html>Service Unavailable</html>"))
        clock = FakeTime()
        with pytest.raises(FetchError, match="answered HTTP 503 Service Unavailable 5 times") as error:
            fetch(settings_for(server, ["11ra"], [], retries=4), CODES, data_dir, clock=clock.clock, sleep=clock.sleep)
        assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]
        assert "try again later" in str(error.value) and snapshot(data_dir) == before

    def test_404_names_the_table_and_status_without_retrying(self, server, data_dir):
        before = snapshot(data_dir)
        server.route(table_path("11ra"), Reply(404, b'{"error": "Table ' + b"x" * 400 + b' not found"}'))
        clock = FakeTime()
        with pytest.raises(FetchError) as error:
            fetch(settings_for(server, ["11ra"], []), CODES, data_dir, clock=clock.clock, sleep=clock.sleep)
        message = str(error.value)
        assert "StatFin table 11ra" in message and "HTTP 404 Not Found" in message and "Table xxx" in message
        assert "x" * 300 not in message and "…" in message  # the body is cut at 300 characters
        assert "Nothing was changed in" in message and "\n" not in message
        assert error.value.exit_code == 1
        assert len(server.requests_to(table_path("11ra"))) == 1 and clock.sleeps == []
        assert snapshot(data_dir) == before

    @pytest.mark.parametrize("where", ["closed port", "unresolvable host"])
    def test_offline_changes_nothing(self, data_dir, where):
        base = f"http://127.0.0.1:{closed_port()}" if where == "closed port" else "http://statfin.invalid"
        settings = FetchSettings.from_params(params(base + STATFIN_BASE, base + SOTKANET_BASE, ["11ra", "11rb"], [127]))
        before = snapshot(data_dir)
        clock = FakeTime()
        with pytest.raises(FetchError) as error:
            fetch(settings, CODES, data_dir, clock=clock.clock, sleep=clock.sleep)
        message = str(error.value)
        host = urlsplit(base).netloc
        assert message.startswith("Could not fetch StatFin table 11ra: could not connect to " + host)
        assert "offline?" in message and "Nothing was changed in" in message and "\n" not in message
        assert error.value.exit_code == 1
        assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]
        assert snapshot(data_dir) == before  # byte for byte, and no staging folder left

    def test_a_server_too_slow_for_the_timeout(self, server, data_dir):
        server.route(table_path("11ra"), Reply(body=STATFIN_BODY, delay_s=1.0))
        before = snapshot(data_dir)
        clock = FakeTime()
        with pytest.raises(FetchError, match="did not answer within 0.2 s \\(tried 2 times\\)"):
            fetch(
                settings_for(server, ["11ra"], [], timeout_s=0.2, retries=1),
                CODES,
                data_dir,
                clock=clock.clock,
                sleep=clock.sleep,
            )
        assert clock.sleeps == [1.0] and snapshot(data_dir) == before

    def test_failure_on_the_second_of_three_tables_keeps_nothing_of_the_first(self, server, data_dir):
        server.route(table_path("11rb"), Reply(400, b"Bad request: unknown variable Alue"))
        before = snapshot(data_dir)
        with pytest.raises(
            FetchError,
            match="StatFin table 11rb: .* answered HTTP 400 Bad Request: 'Bad request: unknown variable Alue'",
        ):
            fetch(settings_for(server, ["11ra", "11rb", "11rc"], []), CODES, data_dir, sleep=FakeTime().sleep)
        assert len(server.requests_to(table_path("11ra"))) == 1 and server.requests_to(table_path("11rc")) == []
        assert snapshot(data_dir) == before
        assert not (data_dir / "avoin" / "statfin_11ra.json").exists()

    def test_ctrl_c_while_waiting_to_retry_keeps_nothing(self, server, data_dir):
        server.route(table_path("11rb"), Reply(503), Reply(body=STATFIN_BODY))
        before = snapshot(data_dir)

        def interrupted(seconds: float) -> None:
            raise Interrupted(signal.SIGINT)

        with pytest.raises(Interrupted):
            fetch(settings_for(server, ["11ra", "11rb"], []), CODES, data_dir, sleep=interrupted)
        assert snapshot(data_dir) == before

    def test_a_municipality_missing_from_sotkanet_stops_before_the_indicator(self, server, data_dir):
        before = snapshot(data_dir)
        with pytest.raises(FetchError, match="no municipality \\(KUNTA\\) with the code 999"):
            fetch(settings_for(server, ["11ra"], [127]), [*CODES, "999"], data_dir, sleep=FakeTime().sleep)
        assert server.requests_to(f"{SOTKANET_BASE}/json") == [] and snapshot(data_dir) == before

    def test_a_200_that_is_not_json_is_not_saved(self, server, data_dir):
        server.route(table_path("11ra"), Reply(body=b"<html>Huoltokatko</html>"))
        before = snapshot(data_dir)
        with pytest.raises(FetchError, match="answered HTTP 200 but not with JSON: '<html>Huoltokatko</html>'"):
            fetch(settings_for(server, ["11ra"], []), CODES, data_dir, sleep=FakeTime().sleep)
        assert snapshot(data_dir) == before

    def test_a_missing_data_folder_is_created_only_on_success(self, server, tmp_path):
        with pytest.raises(FetchError):
            fetch(
                settings_for(server, ["11ra"], [], statfin_url=f"http://127.0.0.1:{closed_port()}", retries=0),
                CODES,
                tmp_path / "new",
            )
        assert not (tmp_path / "new").exists()
        files = fetch(settings_for(server, ["11ra"], []), CODES, tmp_path / "new")
        assert files == [tmp_path / "new" / "avoin" / "statfin_11ra.json"] and files[0].read_bytes() == STATFIN_BODY


class TestRateLimit:
    def test_one_more_request_than_the_window_allows_waits_for_the_window(self):
        clock = FakeTime()
        limiter = RateLimiter(3, 10.0, clock=clock.clock, sleep=clock.sleep)
        clock.now = 100.0
        waits = [limiter.wait() for _ in range(3)]
        clock.now = 102.5
        waits.append(limiter.wait())
        assert waits == [0.0, 0.0, 0.0, 7.5] and clock.sleeps == [7.5]

    def test_requests_spread_over_the_window_do_not_wait(self):
        clock = FakeTime()
        limiter = RateLimiter(2, 10.0, clock=clock.clock, sleep=clock.sleep)
        for at in (0.0, 6.0, 10.0, 16.0):
            clock.now = at
            limiter.wait()
        assert clock.sleeps == []

    def test_statfin_requests_share_one_limiter(self, server, data_dir):
        clock = FakeTime()
        settings = settings_for(server, ["11ra", "11rb", "11rc"], [], statfin_calls=2, statfin_window_s=10.0)
        fetch(settings, CODES, data_dir, clock=clock.clock, sleep=clock.sleep)
        assert clock.sleeps == [10.0]  # the third table waits for the window; the clock never moved otherwise


class TestProgress:
    def test_one_line_per_table_names_it(self, server, data_dir):
        server.route(table_path("11rb"), Reply(503), Reply(body=STATFIN_BODY))
        stream = io.StringIO()
        fetch(settings_for(server), CODES, data_dir, progress=Progress(stream, enabled=True), sleep=FakeTime().sleep)
        text = stream.getvalue()
        for step in (
            "StatFin 11ra (1/4)",
            "StatFin 11rb (2/4)",
            "Sotkanet regions (3/4)",
            "Sotkanet indicator 127 (4/4)",
        ):
            assert f"Fetching {step} …" in text and f"Fetching {step}: done (" in text
        assert (
            "StatFin table 11rb: 127.0.0.1:" in text
            and "answered HTTP 503 Service Unavailable; trying again in 1 s (retry 1 of 4)" in text
        )

    def test_silent_when_not_a_terminal(self, server, data_dir):
        stream = io.StringIO()
        fetch(settings_for(server, ["11ra"], []), CODES, data_dir, progress=Progress(stream), sleep=FakeTime().sleep)
        assert stream.getvalue() == ""

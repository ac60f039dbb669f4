"""The JSON API and pages against a running `zerowaste server serve` on SQLite and on PostgreSQL."""

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from zerowaste import contract
from zerowaste.submission.server import service
from zerowaste.submission.server.db import make_engine


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request, tmp_path_factory, gt_dir, kit):
    """One server per database kind, with teams alpha/beta/gamma, val (20/day) and test (5 in total)."""
    tmp = tmp_path_factory.mktemp(f"live-{request.param}")
    if request.param == "sqlite":
        db_url = f"sqlite:///{tmp / 'server.db'}"
    else:
        db_url = kit.create_pg_database(request.getfixturevalue("pg_cluster"))
    tokens = kit.setup_challenge(db_url, ("alpha", "beta", "gamma"), per_day=20)
    server = kit.start_server(db_url, tmp / "store", gt_dir, tmp / "server.log",
                              "--workers", "1", "--poll", "0.2", "--max-upload-mb", "1")
    engine = make_engine(db_url)
    yield {"url": server.url, "tokens": tokens, "engine": engine, "store": tmp / "store", "server": server}
    engine.dispose()
    server.stop()


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_upload_score_and_leaderboard(live, sub_zips, kit):
    url, tok = live["url"], live["tokens"]
    a1 = kit.upload(url, tok["alpha"], sub_zips["good"], method_name="../../etc/passwd")
    a2 = kit.upload(url, tok["alpha"], sub_zips["better"], method_name="better")
    evil_name = '<script>alert("x")</script>'
    b1 = kit.upload(url, tok["beta"], sub_zips["good"], method_name=evil_name, filename="../../x/<img src=x onerror=alert(1)>.zip")
    assert [r.status_code for r in (a1, a2, b1)] == [201, 201, 201], a1.text
    assert a1.json()["remaining"] == 19 and a2.json()["remaining"] == 18
    subs = {r.json()["id"]: kit.wait_status(url, tok["alpha"] if r is not b1 else tok["beta"], r.json()["id"])
            for r in (a1, a2, b1)}
    assert all(s["status"] == "scored" for s in subs.values()), subs
    better = subs[a2.json()["id"]]
    assert subs[a1.json()["id"]]["method_name"] == "../../etc/passwd"  # just text: never a path
    assert better["scores"]["uda"]["mIoU"] > subs[a1.json()["id"]]["scores"]["uda"]["mIoU"] > 0.5
    assert "confusion" not in better["scores"]["uda"]  # row sums would reveal ground truth
    assert subs[b1.json()["id"]]["filename"] == "<img src=x onerror=alert(1)>.zip"  # base name only, kept as text

    board = httpx.get(f"{url}/api/leaderboard/val").json()
    assert board["track"] == contract.RANKING_TRACK and board["rule"] == "best"
    assert [(r["rank"], r["team"], r["submission_id"]) for r in board["rows"]] == [
        (1, "alpha", a2.json()["id"]), (2, "beta", b1.json()["id"])]
    assert set(board["rows"][0]["IoU"]) == set(contract.CLASS_NAMES)
    so = httpx.get(f"{url}/api/leaderboard/val", params={"track": "source_only"}).json()
    assert so["rows"][0]["mIoU"] == better["scores"]["source_only"]["mIoU"]
    assert httpx.get(f"{url}/api/leaderboard/val", params={"track": "x"}).status_code == 404

    page = httpx.get(url + "/").text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page and "<script>alert" not in page
    assert f"{100 * better['scores']['uda']['mIoU']:.2f}" in page
    # Stored files have random names; nothing user-supplied touched the file system.
    stored = sorted(p.name for p in (live["store"] / "subs").iterdir())
    assert len(stored) >= 3 and all(re.fullmatch(r"[0-9a-f]{32}\.zip", n) for n in stored)
    assert list((live["store"] / "tmp").iterdir()) == []
    # The admin sees the confusion matrices.
    host = httpx.get(f"{url}/api/submissions/{a2.json()['id']}", headers=auth(tok["admin"])).json()
    assert len(host["scores"]["uda"]["confusion"]) == contract.NUM_CLASSES


def test_invalid_submission_is_explained_and_not_counted(live, sub_zips, kit):
    url, tok = live["url"], live["tokens"]
    before = {q["phase"]: q for q in httpx.get(f"{url}/api/quota", headers=auth(tok["beta"])).json()}
    r = kit.upload(url, tok["beta"], sub_zips["bad"])
    assert r.status_code == 201
    sub = kit.wait_status(url, tok["beta"], r.json()["id"])
    assert sub["status"] == "invalid" and sub["counts_toward_quota"] is False
    assert any("outside 0..4" in p for p in sub["problems"])
    after = {q["phase"]: q for q in httpx.get(f"{url}/api/quota", headers=auth(tok["beta"])).json()}
    assert after["val"]["used_today"] == before["val"]["used_today"]
    assert after["test"]["remaining"] == contract.DEFAULT_QUOTAS["test"]["total"]


def test_tokens_and_isolation(live, sub_zips, kit):
    url, tok, engine = live["url"], live["tokens"], live["engine"]
    assert httpx.get(f"{url}/api/submissions").status_code == 401
    assert httpx.get(f"{url}/api/submissions", headers=auth("zw_not-a-token")).status_code == 401
    assert httpx.get(f"{url}/api/submissions", headers={"Authorization": "Basic abc"}).status_code == 401
    assert kit.upload(url, "zw_wrong", sub_zips["good"]).status_code == 401
    spare = service.issue_token(engine, "gamma")
    assert httpx.get(f"{url}/api/quota", headers=auth(spare)).status_code == 200
    service.revoke_token(engine, spare)
    assert httpx.get(f"{url}/api/quota", headers=auth(spare)).status_code == 401
    assert kit.upload(url, spare, sub_zips["good"]).status_code == 401

    mine = kit.upload(url, tok["alpha"], sub_zips["good"]).json()["id"]
    other = httpx.get(f"{url}/api/submissions/{mine}", headers=auth(tok["beta"]))
    missing = httpx.get(f"{url}/api/submissions/999999", headers=auth(tok["beta"]))
    assert other.status_code == missing.status_code == 404 and "alpha" not in other.text
    assert httpx.post(f"{url}/api/submissions/{mine}/select", headers=auth(tok["beta"])).status_code == 404
    assert all(s["team"] == "beta" for s in httpx.get(f"{url}/api/submissions", headers=auth(tok["beta"])).json())

    for method, path in [("GET", "/api/admin/submissions"), ("POST", f"/api/admin/submissions/{mine}/rescore"),
                         ("POST", f"/api/admin/submissions/{mine}/disqualify"), ("GET", "/api/admin/export/submissions")]:
        assert httpx.request(method, url + path).status_code == 401
        assert httpx.request(method, url + path, headers=auth(tok["alpha"])).status_code == 403
    assert httpx.get(f"{url}/api/admin/queue", headers=auth(tok["admin"])).status_code == 200
    # An admin token cannot submit (submissions belong to teams).
    assert kit.upload(url, tok["admin"], sub_zips["good"]).status_code == 403


def raw_post(url, token, body: bytes, content_type: str):
    return httpx.post(f"{url}/api/submissions", content=body,
                      headers={**auth(token), "Content-Type": content_type}, timeout=30)


def test_bad_uploads_store_nothing(live, sub_zips, kit, tmp_path):
    url, tok = live["url"], live["tokens"]["gamma"]
    count = len(httpx.get(f"{url}/api/submissions", headers=auth(tok)).json())
    big = tmp_path / "big.zip"
    big.write_bytes(b"PK\x03\x04" + bytes(2 * 1024 * 1024))
    r = kit.upload(url, tok, big)
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    # Oversize without a Content-Length (chunked): caught while streaming.
    def chunks():
        yield b'--B\r\nContent-Disposition: form-data; name="phase"\r\n\r\nval\r\n'
        yield b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.zip"\r\n\r\nPK\x03\x04'
        for _ in range(24):
            yield bytes(64 * 1024)
        yield b"\r\n--B--\r\n"
    r = httpx.post(f"{url}/api/submissions", content=chunks(),
                   headers={**auth(tok), "Content-Type": "multipart/form-data; boundary=B"})
    assert r.status_code == 413
    assert raw_post(url, tok, b"garbage without boundaries", "multipart/form-data; boundary=B").status_code == 400
    assert raw_post(url, tok, b"x", "multipart/form-data").status_code == 400
    assert raw_post(url, tok, b"{}", "application/json").status_code == 415
    truncated = b'--B\r\nContent-Disposition: form-data; name="phase"\r\n\r\nval\r\n--B\r\nContent-Dispo'
    assert raw_post(url, tok, truncated, "multipart/form-data; boundary=B").status_code == 400
    assert raw_post(url, tok, b'--B\r\nContent-Disposition: form-data; name="phase"\r\n\r\nval\r\n--B--\r\n',
                    "multipart/form-data; boundary=B").json()["detail"].startswith("no file")
    not_zip = tmp_path / "x.zip"
    not_zip.write_bytes(b"<html>not a zip</html>")
    assert "not a zip" in kit.upload(url, tok, not_zip).json()["detail"]
    empty = tmp_path / "empty.zip"
    empty.write_bytes(b"")
    assert kit.upload(url, tok, empty).status_code == 400
    r = kit.upload(url, tok, sub_zips["good"], phase="../../etc")
    assert r.status_code == 404 and "unknown phase" in r.json()["detail"]
    with open(sub_zips["good"], "rb") as f1, open(sub_zips["good"], "rb") as f2:
        r = httpx.post(f"{url}/api/submissions", headers=auth(tok), data={"phase": "val"},
                       files=[("file", ("a.zip", f1)), ("file", ("b.zip", f2))])
    assert r.status_code == 400 and "one file" in r.json()["detail"]
    assert len(httpx.get(f"{url}/api/submissions", headers=auth(tok)).json()) == count
    assert list((live["store"] / "tmp").iterdir()) == []


def test_parallel_uploads_at_the_quota_edge(live, sub_zips, kit):
    """12 parallel uploads against a total quota of 5: exactly 5 accepted, on both databases.

    A team may have only a few uploads in progress (429 "in progress"); like a real client, each
    thread waits and retries those, so every upload ends accepted or refused by the quota, however
    the uploads happen to overlap on a busy machine.
    """
    url, tok = live["url"], live["tokens"]["gamma"]
    total = contract.DEFAULT_QUOTAS["test"]["total"]

    def upload_until_decided(_: int) -> tuple[int, str]:
        for _attempt in range(600):
            r = kit.upload(url, tok, sub_zips["good"], phase="test")
            detail = r.json().get("detail", "") if r.status_code != 201 else ""
            if not (r.status_code == 429 and "in progress" in detail):
                return r.status_code, detail
            time.sleep(0.05)
        raise AssertionError("an upload stayed refused as 'in progress' for 30 s")

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(upload_until_decided, range(12)))
    assert sorted(code for code, _ in results) == [201] * total + [429] * (12 - total)
    assert all("total quota" in detail for code, detail in results if code == 429), results
    subs = httpx.get(f"{url}/api/submissions", params={"phase": "test"}, headers=auth(tok)).json()
    assert len(subs) == total
    r = kit.upload(url, tok, sub_zips["good"], phase="test")
    assert r.status_code == 429 and "total quota" in r.json()["detail"]
    # Refused as soon as the file part starts: the remaining 900 kB are never needed.
    sock = kit.partial_upload(url, tok, "test", declared=900_000, sent=1000)
    sock.settimeout(30)
    answer = b""
    while (chunk := sock.recv(65536)) and b"quota" not in answer + chunk:
        answer += chunk
    answer += chunk
    sock.close()
    assert answer.startswith(b"HTTP/1.1 429") and b"total quota" in answer


def test_rules_hidden_selected_and_host_actions(live, sub_zips, kit):
    url, tok, engine = live["url"], live["tokens"], live["engine"]
    import datetime as dt

    service.update_phase(engine, "test", hidden_until_close=True,
                         closes_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    r = kit.eventually(lambda: (x := httpx.get(f"{url}/api/leaderboard/test")).status_code == 403 and x)
    assert r and "hidden" in r.json()["detail"]
    assert httpx.get(f"{url}/api/leaderboard/test", headers=auth(tok["admin"])).status_code == 200
    assert "hidden until the phase closes" in httpx.get(f"{url}/?phase=test").text

    # Rule "selected": alpha picks its weaker submission.
    for zip_name in ("good", "better"):
        sid = kit.upload(url, tok["alpha"], sub_zips[zip_name]).json()["id"]
        assert kit.wait_status(url, tok["alpha"], sid)["status"] == "scored"
    alpha = httpx.get(f"{url}/api/submissions", params={"phase": "val"}, headers=auth(tok["alpha"])).json()
    scored = sorted((s for s in alpha if s["status"] == "scored"), key=lambda s: s["scores"]["uda"]["mIoU"])
    weakest = scored[0]["id"]
    service.update_phase(engine, "val", rule="selected")
    assert httpx.post(f"{url}/api/submissions/{weakest}/select", headers=auth(tok["alpha"])).json()["selected"]
    def alpha_entry():
        return {r["team"]: r["submission_id"] for r in httpx.get(f"{url}/api/leaderboard/val").json()["rows"]}.get("alpha")

    assert kit.eventually(lambda: alpha_entry() == weakest)

    # Disqualify removes it; rescore scores it again.
    assert httpx.post(f"{url}/api/admin/submissions/{weakest}/disqualify", headers=auth(tok["admin"]),
                      params={"reason": "rule 3"}).status_code == 200
    assert kit.eventually(lambda: alpha_entry() not in (weakest, None))
    best_id = scored[-1]["id"]
    assert httpx.post(f"{url}/api/admin/submissions/{best_id}/rescore", headers=auth(tok["admin"])).status_code == 200
    again = kit.wait_status(url, tok["alpha"], best_id)
    assert again["status"] == "scored" and again["scores"] == scored[-1]["scores"]

    csv_text = httpx.get(f"{url}/api/admin/export/submissions", headers=auth(tok["admin"])).text
    assert csv_text.splitlines()[0].startswith("id,team,phase") and "uda_IoU_metal" in csv_text.splitlines()[0]
    board = json.loads(httpx.get(f"{url}/api/admin/export/leaderboard/val", params={"format": "json"},
                                 headers=auth(tok["admin"])).text)
    assert board and "IoU_background" in board[0]
    service.update_phase(engine, "val", rule="best")


def test_pages_login_team_upload(live, sub_zips, kit):
    url, tok = live["url"], live["tokens"]
    bad = kit.upload(url, tok["beta"], sub_zips["bad"], method_name="<script>alert(1)</script>",
                     filename="<img src=x onerror=alert(1)>.zip").json()["id"]
    assert kit.wait_status(url, tok["beta"], bad)["status"] == "invalid"
    with httpx.Client(base_url=url) as c:
        assert c.get("/team").status_code == 303
        assert c.post("/login", data={"token": "zw_wrong"}).status_code == 401
        r = c.post("/login", data={"token": tok["beta"]})
        assert r.status_code == 303 and "samesite=strict" in r.headers["set-cookie"].lower()
        team = c.get("/team").text
        assert "Team beta" in team and "Remaining quota" in team and "outside 0..4" in team
        assert "&lt;script&gt;" in team and "<script>alert" not in team
        assert "&lt;img src=x onerror=alert(1)&gt;.zip" in team and "<img" not in team
        with open(sub_zips["good"], "rb") as f:
            r = c.post("/upload", data={"phase": "val", "method_name": "from the form"}, files={"file": ("s.zip", f)})
        assert r.status_code == 303 and r.headers["location"] == "/team"
        assert "from the form" in c.get("/team").text
        scored = httpx.get(f"{url}/api/submissions", headers=auth(tok["beta"])).json()[0]["id"]
        assert kit.wait_status(url, tok["beta"], scored)["status"] == "scored"
        assert c.post(f"/team/select/{scored}").status_code == 303
        assert httpx.get(f"{url}/api/submissions/{scored}", headers=auth(tok["beta"])).json()["selected"]
        alphas = kit.upload(url, tok["alpha"], sub_zips["good"]).json()["id"]
        r = c.post(f"/team/select/{alphas}")  # another team's submission
        assert r.status_code == 404 and "no submission" in r.text
        with open(sub_zips["good"], "rb") as f:
            r = c.post("/upload", data={"phase": "nope"}, files={"file": ("s.zip", f)})
        assert r.status_code == 404 and "unknown phase" in r.text
    assert httpx.get(f"{url}/openapi.json").json()["paths"]["/api/submissions"]["post"]["requestBody"]

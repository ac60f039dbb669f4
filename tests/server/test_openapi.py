"""Issue #16.5: ``/openapi.json`` is the server's real contract.

* schemathesis (a property-based fuzzer driven by the schema) runs every check it has against a live
  server on SQLite and on PostgreSQL, bounded (a few cases per operation, fixed seed): no 500, no
  undocumented status, no answer that violates its declared schema or content type;
* a client generated from the schema by openapi-python-client uploads a zip, reads its submission,
  quota and the leaderboard, exports CSV, and gets the documented errors as typed objects.
"""

import importlib
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

SCHEMATHESIS_CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request, tmp_path_factory, gt_dir, sub_zips, kit):
    """A server with one scored submission of team alpha (so boards and exports have rows)."""
    tmp = tmp_path_factory.mktemp(f"openapi-{request.param}")
    if request.param == "sqlite":
        db_url = f"sqlite:///{tmp / 'server.db'}"
    else:
        db_url = kit.create_pg_database(request.getfixturevalue("pg_cluster"))
    tokens = kit.setup_challenge(db_url, ("alpha", "beta"), per_day=None)
    srv = kit.start_server(db_url, tmp / "store", gt_dir, tmp / "server.log", "--workers", "1", "--poll", "0.2",
                           "--max-upload-mb", "2")
    sid = kit.upload(srv.url, tokens["alpha"], sub_zips["good"], method_name="seed").json()["id"]
    assert kit.wait_status(srv.url, tokens["alpha"], sid)["status"] == "scored"
    yield {"url": srv.url, "tokens": tokens, "tmp": tmp, "sid": sid}
    srv.stop()


@pytest.mark.parametrize("who", ["alpha", "admin"])
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live, who, tmp_path):
    cmd = [str(Path(sys.executable).with_name("st")), "--no-color", "--config-file", str(SCHEMATHESIS_CONFIG),
           "run", f"{live['url']}/openapi.json", "--checks", "all", "--max-examples", "8", "--seed", "20261201",
           "--workers", "1", "--request-timeout", "30", "-H", f"Authorization: Bearer {live['tokens'][who]}"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=500, cwd=tmp_path)  # its cache stays in tmp
    report = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    assert "14 selected / 14 total" in run.stdout and " passed" in run.stdout, report


def generated_client(url: str, dest: Path):
    """Generate a Python client package from the server's /openapi.json and import it."""
    spec = dest / "openapi.json"
    spec.write_bytes(httpx.get(f"{url}/openapi.json").content)
    generator = Path(sys.executable).with_name("openapi-python-client")
    run = subprocess.run([str(generator), "generate", "--path", str(spec), "--meta", "none",
                          "--output-path", str(dest / "zwclient"), "--overwrite"],
                         capture_output=True, text=True, timeout=300,
                         env={"PATH": f"{generator.parent}:/usr/bin:/bin"})
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(dest))
    try:
        for name in [m for m in sys.modules if m == "zwclient" or m.startswith("zwclient.")]:
            del sys.modules[name]
        return importlib.import_module("zwclient")
    finally:
        sys.path.remove(str(dest))


def test_a_generated_client_works(live, sub_zips, tmp_path):
    zw = generated_client(live["url"], tmp_path)
    from zwclient.api.host import admin_export_submissions, admin_queue
    from zwclient.api.public import leaderboard, phases
    from zwclient.api.team import my_submission, quota, submit
    from zwclient.models import Accepted, Leaderboard, Problem, SubmissionView, SubmitBody
    from zwclient.types import File

    team = zw.AuthenticatedClient(base_url=live["url"], token=live["tokens"]["beta"], timeout=httpx.Timeout(60))
    admin = zw.AuthenticatedClient(base_url=live["url"], token=live["tokens"]["admin"], timeout=httpx.Timeout(60))
    anonymous = zw.Client(base_url=live["url"])

    assert [p.name for p in phases.sync(client=anonymous)] == ["val", "test"]
    with open(sub_zips["good"], "rb") as f:
        body = SubmitBody(phase="val", method_name="generated client",
                          file=File(payload=f, file_name="good.zip", mime_type="application/zip"))
        accepted = submit.sync(client=team, body=body)
    assert isinstance(accepted, Accepted) and accepted.phase == "val", accepted
    mine = my_submission.sync(accepted.id, client=team)
    assert isinstance(mine, SubmissionView) and mine.method_name == "generated client"
    assert [q.phase for q in quota.sync(client=team)] == ["val", "test"]

    board = leaderboard.sync("val", client=anonymous)
    assert isinstance(board, Leaderboard) and board.rows[0].team == "alpha" and board.rows[0].m_io_u > 0.5
    csv_text = admin_export_submissions.sync(client=admin)
    assert isinstance(csv_text, str) and csv_text.startswith("id,team,phase")
    assert admin_queue.sync(client=admin).queued >= 0

    # Documented errors come back typed, with their message.
    missing = my_submission.sync_detailed(2**63, client=team)
    assert missing.status_code == 404 and isinstance(missing.parsed, Problem) and "no submission" in missing.parsed.detail
    unauthenticated = quota.sync_detailed(client=anonymous)
    assert unauthenticated.status_code == 401 and isinstance(unauthenticated.parsed, Problem)
    forbidden = admin_queue.sync_detailed(client=team)
    assert forbidden.status_code == 403 and "admin token" in forbidden.parsed.detail
    with open(__file__, "rb") as f:  # not a zip
        refused = submit.sync_detailed(client=team, body=SubmitBody(phase="val", file=File(payload=f, file_name="x.zip")))
    assert refused.status_code == 400 and "not a zip" in refused.parsed.detail

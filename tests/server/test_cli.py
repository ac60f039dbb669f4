"""`zerowaste server admin` against a real database, and the client commands against a real server."""

import json

from click.testing import CliRunner

from zerowaste.cli import cli
from zerowaste.submission.server.cli import server
from zerowaste.submission.server.client import status, upload


def run(args, ok=True):
    result = CliRunner().invoke(server, args, catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output
    return result


def test_admin_commands(tmp_path):
    db = ["admin", "--db", f"sqlite:///{tmp_path / 'a.db'}"]
    run([*db, "phase", "create", "val"])
    test = json.loads(run([*db, "phase", "create", "test", "--closes", "2030-01-01T00:00", "--hidden"]).output)
    assert test["total"] == 5 and test["per_day"] is None and test["hidden_until_close"]
    assert test["closes_at"] == "2030-01-01T00:00:00+00:00"
    assert "already exists" in run([*db, "phase", "create", "val"], ok=False).output
    assert "split must be one of" in run([*db, "phase", "create", "dev"], ok=False).output
    assert "not an ISO date" in run([*db, "phase", "create", "x", "--split", "val", "--opens", "soon"], ok=False).output
    val = json.loads(run([*db, "phase", "update", "val", "--per-day", "none", "--rule", "latest"]).output)
    assert val["per_day"] is None and val["rule"] == "latest"
    assert [json.loads(x)["name"] for x in run([*db, "phase", "list"]).output.splitlines()] == ["val", "test"]

    run([*db, "team", "create", "A <team>"])
    assert run([*db, "team", "list"]).output.strip() == "A <team>"
    issued = run([*db, "token", "issue", "--team", "A <team>"])
    token = issued.stdout.strip()
    assert token.startswith("zw_") and "shown once" in issued.stderr
    listed = [json.loads(x) for x in run([*db, "token", "list"]).output.splitlines()]
    assert listed[0]["team"] == "A <team>" and token not in json.dumps(listed)
    assert "exactly one of" in run([*db, "token", "issue"], ok=False).output
    assert "revoked 1" in run([*db, "token", "revoke", listed[0]["prefix"]]).output
    assert "no token matches" in run([*db, "token", "revoke", "zw_nope"], ok=False).output

    assert "no submission 42" in run([*db, "rescore", "42"], ok=False).output
    assert "no submission 42" in run([*db, "disqualify", "42"], ok=False).output
    out = tmp_path / "board.csv"
    run([*db, "export", "leaderboard", "--phase", "test", "--out", str(out)])  # hidden, but this is the host
    assert out.exists()
    assert json.loads(run([*db, "export", "submissions", "--format", "json"]).stdout) == []
    assert "unknown phase 'nope'" in run([*db, "export", "leaderboard", "--phase", "nope"], ok=False).output
    assert "unsupported database URL" in run(["admin", "--db", "mysql://x", "team", "list"], ok=False).output


def test_client_upload_and_status(tmp_path, server_factory, sub_zips, kit, gt_dir):
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    tokens = kit.setup_challenge(db_url)
    srv = server_factory(db_url, "--workers", "0")
    runner = CliRunner()
    res = runner.invoke(cli, ["submission", "upload", str(sub_zips["good"]), "--server", srv.url,
                              "--token", tokens["alpha"], "--method-name", "cli run"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "accepted: submission 1 in phase val" in res.output and "remaining quota now: 4" in res.output
    # Score it with a one-shot worker process (the server runs none here).
    res = runner.invoke(server, ["worker", "--db", db_url, "--store", str(srv.store), "--gt", str(gt_dir), "--once"],
                        catch_exceptions=False)
    assert "processed submission 1" in res.output
    res = runner.invoke(status, ["1", "--server", srv.url, "--token", tokens["alpha"], "--wait"])
    assert res.exit_code == 0 and "scored" in res.output and "uda: mIoU" in res.output
    res = runner.invoke(cli, ["submission", "status", "--server", srv.url, "--token", tokens["alpha"]])
    assert "phase val: 4 submission(s) left now" in res.output and "phase test: 5" in res.output
    res = runner.invoke(upload, [str(sub_zips["good"]), "--server", srv.url, "--token", "zw_bad"])
    assert res.exit_code == 1 and "refused the request (401)" in res.output
    res = runner.invoke(upload, [str(sub_zips["good"]), "--server", "http://127.0.0.1:9", "--token", "x"])
    assert res.exit_code == 1 and "cannot reach the server" in res.output
    res = runner.invoke(status, ["99", "--server", srv.url, "--token", tokens["beta"]])
    assert res.exit_code == 1 and "(404)" in res.output


def test_serve_refuses_a_bad_ground_truth(tmp_path):
    (tmp_path / "gt").mkdir()
    res = CliRunner().invoke(server, ["serve", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--gt", str(tmp_path / "gt")])
    assert res.exit_code == 1 and "ground truth" in res.output


def test_admin_json_output_for_scripts(tmp_path):
    db = ["admin", "--db", f"sqlite:///{tmp_path / 'j.db'}"]
    assert json.loads(run([*db, "team", "list", "--json"]).stdout) == []
    run([*db, "team", "create", "b"])
    run([*db, "team", "create", "a b"])
    assert sorted(json.loads(run([*db, "team", "list", "--json"]).stdout)) == ["a b", "b"]
    issued = json.loads(run([*db, "token", "issue", "--team", "a b", "--json"]).stdout)
    assert issued["team"] == "a b" and issued["admin"] is False and issued["token"].startswith("zw_")
    host = json.loads(run([*db, "token", "issue", "--admin", "--json"]).stdout)
    assert host["admin"] is True and host["team"] is None


def test_status_shows_a_disqualified_submission_as_disqualified():
    from zerowaste.submission.server.client import describe

    sub = {"id": 3, "phase": "val", "method_name": "m", "filename": "s.zip", "status": "scored", "disqualified": True,
           "selected": False, "scores": None, "problems": [], "error": None}
    first = describe(sub).splitlines()[0]
    assert first.endswith("disqualified (scored, but removed from the leaderboards by the organizers)")
    assert describe({**sub, "disqualified": False}).splitlines()[0].endswith(": scored")


def test_unreachable_or_unwritable_database_is_one_line(tmp_path, gt_dir):
    unwritable = f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}"
    down = "postgresql://zw:secret@127.0.0.1:9/zw"  # nothing listens on port 9
    for args in (["admin", "--db", unwritable, "team", "list"], ["admin", "--db", down, "phase", "list"],
                 ["worker", "--db", down, "--gt", str(gt_dir), "--once"],
                 ["serve", "--db", unwritable, "--gt", str(gt_dir)]):
        res = CliRunner().invoke(server, args)
        assert res.exit_code == 1, (args, res.output)
        error = [line for line in res.output.splitlines() if line.startswith("Error:")]
        assert len(error) == 1 and "cannot open the database" in error[0], (args, res.output)
        assert "Traceback" not in res.output and "secret" not in res.output and "sqlalche.me" not in res.output
    assert "is the folder there and writable?" in CliRunner().invoke(server, ["admin", "--db", unwritable, "team", "list"]).output
    assert "Connection refused" in CliRunner().invoke(server, ["admin", "--db", down, "team", "list"]).output

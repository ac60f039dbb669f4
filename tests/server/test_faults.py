"""Crash safety: a server killed mid-upload leaves no half-stored row or file; after a restart every
accepted submission is still there (SQLite and PostgreSQL)."""

import time

import httpx


def test_server_killed_mid_upload_then_restarted(db_url, server_factory, sub_zips, kit):
    tokens = kit.setup_challenge(db_url, per_day=None)
    server = server_factory(db_url, "--workers", "0")
    accepted = [kit.upload(server.url, tokens["alpha"], sub_zips["good"]).json()["id"] for _ in range(2)]
    sock = kit.partial_upload(server.url, tokens["alpha"], "val", 50_000_000, 400_000)
    tmp_dir, subs_dir = server.store / "tmp", server.store / "subs"
    deadline = time.monotonic() + 20
    while not any(p.stat().st_size > 100_000 for p in tmp_dir.glob("*.part")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert any(tmp_dir.glob("*.part")), "the upload never reached the store"
    server.kill()  # SIGKILL in the middle of the upload
    sock.close()
    assert len(list(tmp_dir.glob("*.part"))) == 1  # the dead upload's partial file
    assert len(list(subs_dir.iterdir())) == 2

    restarted = server_factory(db_url, "--workers", "0", store=server.store)
    assert list(tmp_dir.iterdir()) == []  # cleaned at start
    subs = httpx.get(f"{restarted.url}/api/submissions", headers={"Authorization": f"Bearer {tokens['alpha']}"}).json()
    assert sorted(s["id"] for s in subs) == sorted(accepted)
    assert all(s["status"] == "queued" for s in subs)
    assert len(list(subs_dir.iterdir())) == 2
    # Uploads work again after the restart.
    assert kit.upload(restarted.url, tokens["alpha"], sub_zips["good"]).status_code == 201

"""Pure rules: quota counting, UTC day, phase windows, leaderboard selection and ranking."""

import datetime as dt

import pytest

from zerowaste import contract
from zerowaste.submission.server import rules

NOW = dt.datetime(2026, 3, 10, 0, 30, tzinfo=dt.UTC)


def test_defaults_come_from_the_contract():
    assert rules.default_policy("val") == rules.QuotaPolicy(per_day=contract.DEFAULT_QUOTAS["val"]["per_day"], total=None)
    assert rules.default_policy("test").total == contract.DEFAULT_QUOTAS["test"]["total"]


def test_daily_quota_resets_at_utc_midnight_and_counts_by_policy():
    policy = rules.QuotaPolicy(per_day=3)
    yesterday = NOW - dt.timedelta(hours=1)  # 23:30 the day before
    subs = [(yesterday, "scored")] * 5 + [(NOW, "scored"), (NOW, "queued"), (NOW, "invalid"), (NOW, "failed")]
    state = rules.quota_state(policy, subs, NOW)
    assert (state.used_today, state.used_total, state.remaining) == (2, 7, 1)
    assert state.refusal() is None
    strict = rules.quota_state(rules.QuotaPolicy(per_day=3, count_rejected=True), subs, NOW)
    assert strict.used_today == 3 and strict.remaining == 0
    assert "daily quota" in strict.refusal()


def test_total_quota_and_unlimited():
    subs = [(NOW - dt.timedelta(days=d), "scored") for d in range(5)]
    assert "total quota" in rules.quota_state(rules.QuotaPolicy(total=5), subs, NOW).refusal()
    assert rules.quota_state(rules.QuotaPolicy(), subs, NOW).remaining is None
    with pytest.raises(ValueError, match="unknown submission status"):
        rules.counts_toward_quota("bogus", False)


def test_phase_window_and_hidden_leaderboard():
    later = NOW + dt.timedelta(days=1)
    assert "opens at" in rules.phase_window_error(later, None, NOW)
    assert "closed at" in rules.phase_window_error(None, NOW, NOW)
    assert rules.phase_window_error(None, later, NOW) is None
    assert not rules.leaderboard_visible(True, later, NOW)
    assert not rules.leaderboard_visible(True, None, NOW)
    assert rules.leaderboard_visible(True, NOW, NOW) and rules.leaderboard_visible(False, later, NOW)


def cand(team, sid, miou, acc, minutes=0, selected=False, track="uda"):
    iou = {n: miou for n in contract.CLASS_NAMES}
    return rules.Candidate(team, sid, f"m{sid}", NOW + dt.timedelta(minutes=minutes), selected,
                           {track: {"mIoU": miou, "Acc": acc, "IoU": iou}})


def test_rules_best_latest_selected():
    cs = [cand("a", 1, 0.5, 0.9, 0), cand("a", 2, 0.6, 0.8, 1, selected=True), cand("a", 3, 0.4, 0.9, 2)]
    assert rules.pick(cs, "best", "uda").submission_id == 2
    assert rules.pick(cs, "latest", "uda").submission_id == 3
    assert rules.pick(cs, "selected", "uda").submission_id == 2
    assert rules.pick(cs[:1], "selected", "uda").submission_id == 1  # nothing selected: the newest
    with pytest.raises(ValueError, match="unknown leaderboard rule"):
        rules.pick(cs, "random", "uda")


def test_ranking_by_miou_then_acc_with_shared_ranks_and_nan_last():
    cs = [cand("low", 1, 0.3, 0.99), cand("tie1", 2, 0.5, 0.9), cand("tie2", 3, 0.5, 0.9),
          cand("acc", 4, 0.5, 0.95), cand("nan", 5, float("nan"), 0.99), cand("top", 6, 0.7, 0.1)]
    board = rules.build_leaderboard(cs, "best", "uda")
    assert [(r.rank, r.team) for r in board] == [(1, "top"), (2, "acc"), (3, "tie1"), (3, "tie2"), (5, "low"), (6, "nan")]
    assert list(board[0].IoU) == list(contract.CLASS_NAMES)
    # Ranked by the requested track only: source_only scores are absent here, so all tie at the bottom.
    assert all(r.mIoU is None for r in rules.build_leaderboard(cs, "best", "source_only"))
    with pytest.raises(ValueError, match="unknown track"):
        rules.build_leaderboard(cs, "best", "nope")

# Generates score.cases.json (run from the repo root: python3 test/score/score.cases.py). The JSON is the table the tests read.
import json
one = lambda sig, **kw: {"signals": {"s": sig}, "dimensions": {"d": {"weight": 1, "signals": ["s"]}}, **kw}
cases = []
def case(name, model, events, expect, **opts):
    c = {"name": name, "model": model, "events": events, "expect": expect}
    c.update(opts)
    cases.append(c)

cnt = {"type": "count", "event": "project_created", "window": {"last": 14}, "threshold": 3}
case("count: only events inside the last 14 days count, partial credit", one(cnt),
     [["project_created", None, -1], ["project_created", None, -2], ["project_created", None, -20]],
     {"values": {"s": 2}, "credits": {"s": 0.667}, "score": 67, "reasons": ["project created ×2 in the last 14 days"]})
case("count: binary credit gives nothing below the threshold", one({**cnt, "credit": "binary"}),
     [["project_created", None, -1], ["project_created", None, -2]],
     {"values": {"s": 2}, "credits": {"s": 0}, "score": 0, "reasons": []})
case("count: credit caps at 1 above the threshold", one(cnt),
     [["project_created", None, -0.1 * i] for i in range(1, 6)],
     {"values": {"s": 5}, "credits": {"s": 1}, "score": 100})
case("count: all time when no window is given", one({"type": "count", "event": "teammate_invited", "threshold": 2, "reason": "invited {{value}} teammates"}),
     [["teammate_invited", None, -100], ["teammate_invited", None, -1]],
     {"values": {"s": 2}, "score": 100, "reasons": ["invited 2 teammates"]})
case("count: where filter counts only matching props", one({"type": "count", "event": "limit_reached", "where": {"limit": "projects"}, "threshold": 2}),
     [["limit_reached", {"limit": "projects"}, -1], ["limit_reached", {"limit": "projects"}, -2], ["limit_reached", {"limit": "seats"}, -1]],
     {"values": {"s": 2}, "score": 100})
dist = {"type": "distinct", "event": "feature_used", "prop": "feature", "window": {"last": 14}, "threshold": 4, "label": "core features"}
case("distinct: distinct values of a prop in the window, top features with counts", one(dist),
     [["feature_used", {"feature": "a"}, -1], ["feature_used", {"feature": "b"}, -2], ["feature_used", {"feature": "a"}, -3], ["feature_used", {"feature": "c"}, -3.5], ["feature_used", {"feature": "d"}, -30]],
     {"values": {"s": 3}, "credits": {"s": 0.75}, "score": 75, "topFeatures": [{"name": "a", "count": 2}, {"name": "b", "count": 1}, {"name": "c", "count": 1}], "reasons": ["3 different core features in the last 14 days"]})
occ = {"type": "occurred", "event": "pricing_viewed", "window": {"last": 14}, "reason": "viewed pricing"}
case("occurred: at least once in the window", one(occ), [["pricing_viewed", None, -3]], {"values": {"s": 1}, "score": 100, "reasons": ["viewed pricing"]})
case("occurred: not inside the window", one(occ), [["pricing_viewed", None, -20]], {"values": {"s": 0}, "score": 0, "reasons": []})
ses = {"type": "sessions", "window": {"last": 14}, "threshold": 4}
case("sessions: a gap over 30 minutes starts a new session", one(ses),
     [["$activity", None, -1], ["$activity", None, -0.99], ["$activity", None, -0.9], ["$activity", None, -5], ["$activity", None, -20]],
     {"values": {"s": 3}, "credits": {"s": 0.75}, "reasons": ["3 sessions in the last 14 days"]})
case("sessions: the session timeout is configurable", one(ses),
     [["$activity", None, -1], ["$activity", None, -0.99], ["$activity", None, -0.9], ["$activity", None, -5]],
     {"values": {"s": 4}}, sessionTimeout=5)
act = {"type": "activeDays", "window": {"last": 7}, "threshold": 5}
case("activeDays: distinct active days in the last 7", one(act),
     [["$activity", None, 0], ["$activity", None, -1], ["$activity", None, -2], ["$activity", None, -2.1], ["$activity", None, -8]],
     {"values": {"s": 3}, "credits": {"s": 0.6}, "reasons": ["active 3 of the last 7 days"]})
case("activeDays: in the first 14 days of the trial, kept after they leave other windows", one({"type": "activeDays", "window": {"trial": [0, 14]}, "threshold": 5}),
     [["$activity", None, -19], ["$activity", None, -18], ["$activity", None, -17], ["$activity", None, -16], ["$activity", None, -15], ["$activity", None, -14], ["$activity", None, -2]],
     {"values": {"s": 6}, "score": 100, "reasons": ["active 6 of the first 14 days"]}, trialStart=-20)
case("activeDays: trial window clips days after it", one({"type": "activeDays", "window": {"trial": [0, 3]}, "threshold": 3}),
     [["$activity", None, -10], ["$activity", None, -9], ["$activity", None, -6], ["$activity", None, -5]],
     {"values": {"s": 2}}, trialStart=-10)
stk = {"type": "streak", "threshold": 3}
case("streak: consecutive days ending today", one(stk), [["$activity", None, 0], ["$activity", None, -1], ["$activity", None, -2], ["$activity", None, -4]], {"values": {"s": 3}, "score": 100, "reasons": ["3-day streak"]})
case("streak: still alive when the last active day was yesterday", one(stk), [["$activity", None, -1], ["$activity", None, -2]], {"values": {"s": 2}})
case("streak: broken after a missed day", one(stk), [["$activity", None, -2], ["$activity", None, -3]], {"values": {"s": 0}, "score": 0})
rec = {"type": "recency", "threshold": 3}
case("recency: last visit within the threshold earns full credit", one(rec), [["$activity", None, -2]], {"values": {"s": 2}, "credits": {"s": 1}, "reasons": ["last active 2 days ago"]})
case("recency: partial credit fades past the threshold", one(rec), [["$activity", None, -5]], {"values": {"s": 5}, "credits": {"s": 0.333}})
case("recency: binary credit past the threshold is 0", one({**rec, "credit": "binary"}), [["$activity", None, -5]], {"values": {"s": 5}, "credits": {"s": 0}})
case("recency: never active is unknown, no credit", one(rec), [], {"values": {"s": None}, "score": 0})
case("avgSessionLength: ended and ongoing sessions averaged, in minutes", one({"type": "avgSessionLength", "window": {"last": 14}, "threshold": 10}),
     [["$activity", None, -3], ["$activity", None, -3 + 20 / 1440], ["$activity", None, -2]],
     {"values": {"s": 10}, "score": 100, "reasons": ["average session 10 min in the last 14 days"]})
vel = {"type": "velocity", "of": "sessions", "days": 7, "threshold": 20}
case("velocity: sessions this week vs last week, as % change", one(vel),
     [["$activity", None, -1], ["$activity", None, -3], ["$activity", None, -5], ["$activity", None, -8], ["$activity", None, -10]],
     {"values": {"s": 50}, "score": 100, "reasons": ["usage up 50% on the previous 7 days"]})
case("velocity: falling usage earns nothing", one(vel),
     [["$activity", None, -1], ["$activity", None, -8], ["$activity", None, -9], ["$activity", None, -10], ["$activity", None, -11]],
     {"values": {"s": -75}, "score": 0})
case("velocity: from nothing to something is +100%", one({"type": "velocity", "of": {"event": "project_created"}, "days": 7, "threshold": 20}),
     [["$activity", None, -30], ["project_created", None, -1], ["project_created", None, -2]],
     {"values": {"s": 100}, "score": 100})
case("velocity: a user first seen this period has none yet (a first visit is not growth)", one({"type": "velocity", "of": {"event": "project_created"}, "days": 7, "threshold": 20}),
     [["project_created", None, -1], ["project_created", None, -2]],
     {"values": {"s": None}, "score": 0, "reasons": []})
case("velocity: no usage in either period is 0, no credit", one(vel), [["$activity", None, -30]], {"values": {"s": 0}, "score": 0})
case("first: days from trial start to the first occurrence (time to value)", one({"type": "first", "event": "project_created", "threshold": 2}),
     [["project_created", None, -8.5], ["project_created", None, -1]],
     {"values": {"s": 1}, "score": 100, "reasons": ["project created within 2 days"]}, trialStart=-10)
case("last: days since the last occurrence", one({"type": "last", "event": "integration_connected", "threshold": 7}),
     [["integration_connected", None, -4]], {"values": {"s": 4}, "score": 100, "reasons": ["integration connected 4 days ago"]})
case("last: never happened is unknown, no credit", one({"type": "last", "event": "integration_connected", "threshold": 7}), [], {"values": {"s": None}, "score": 0})
two = {"signals": {"a": {**cnt, "threshold": 1, "reason": "made a project"}, "b": {"type": "count", "event": "teammate_invited", "threshold": 2, "reason": "invited {{value}} teammate"}},
       "dimensions": {"x": {"weight": 25, "signals": ["a"]}, "y": {"weight": 75, "signals": ["b"]}}}
case("composite: dimensions weighted 25/75, reasons by contribution", two,
     [["project_created", None, -1], ["teammate_invited", None, -1]],
     {"score": 63, "points": {"x": 25, "y": 37.5}, "reasons": ["invited 1 teammate", "made a project"]})
case("composite: signal weights inside a dimension", {"signals": {"a": {**cnt, "threshold": 1, "weight": 3}, "b": {"type": "count", "event": "teammate_invited", "threshold": 2}}, "dimensions": {"x": {"weight": 1, "signals": ["a", "b"]}}},
     [["project_created", None, -1]], {"score": 75})
crit_model = {
    "signals": {
        "projects": {"type": "count", "event": "project_created", "window": {"trial": [0, 14]}, "threshold": 3},
        "active": {"type": "activeDays", "window": {"trial": [0, 14]}, "threshold": 5},
        "invites": {"type": "count", "event": "teammate_invited", "threshold": 2},
    },
    "dimensions": {"usage": {"weight": 1, "signals": ["projects"]}},
    "criteria": [{"id": "pql-criteria", "all": ["projects", "active", "invites"], "tier": "pql"}],
}
crit_events = [["project_created", None, -10 + i] for i in range(5)] + [["teammate_invited", None, -9], ["teammate_invited", None, -8]]
case("criteria: all of 3+ projects, 5+ active days in the first 14, 2+ invites lifts to pql", crit_model, crit_events,
     {"criteria": {"pql-criteria": []}, "floorTier": "pql", "score": 100}, trialStart=-10)
case("criteria: a missing signal is listed and gives no floor", crit_model, crit_events[:-1],
     {"criteria": {"pql-criteria": ["invites"]}, "floorTier": None}, trialStart=-10)
case("criteria: score low but criteria met still sets the floor", {**crit_model, "signals": {**crit_model["signals"], "projects": {**crit_model["signals"]["projects"], "threshold": 100}}, "criteria": [{"id": "c", "all": ["active", "invites"], "tier": "pql"}]},
     crit_events, {"score": 5, "floorTier": "pql"}, trialStart=-10)
case("five-dimension preset: no activity scores 0", {"preset": "five-dimension"}, [], {"score": 0, "reasons": []})
case("four-category preset: no activity scores 0", {"preset": "four-category"}, [], {"score": 0})
eng = [["feature_used", {"feature": f}, -1 + i * 0.001] for i, f in enumerate("abcd")] + [
    ["teammate_invited", None, -0.995], ["integration_connected", None, -0.994],
    ["$activity", None, -3], ["$activity", None, -5], ["$activity", None, -7]]
case("five-dimension preset: an engaged trial user", {"preset": "five-dimension"}, eng,
     {"score": 74, "values": {"features_used": 4, "sessions_14d": 4, "active_days_7d": 3, "recency": 1, "teammates_invited": 1, "integrations": 1, "usage_trend": 200},
      "points": {"breadth": 25, "engagement": 21.7, "team": 5, "integrations": 7.5, "velocity": 15}})
case("reason template: {{s}} pluralises on the value", one({"type": "count", "event": "teammate_invited", "threshold": 2, "reason": "invited {{value}} teammate{{s}}"}),
     [["teammate_invited", None, -1]], {"values": {"s": 1}, "reasons": ["invited 1 teammate"]})
json.dump(cases, open("test/score/score.cases.json", "w"), indent=1, ensure_ascii=False)
print(len(cases))

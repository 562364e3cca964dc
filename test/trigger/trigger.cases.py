# Generates trigger.cases.json (python3 test/trigger/trigger.cases.py from the repo root). The JSON is the table the tests read.
import json
H = 3600000
D = 24 * H
NOW = 1773576000000  # 2026-03-15T12:00:00Z
copy = {"en": {"title": "t"}}
M = {
  "upgrade": {"id": "upgrade", "kind": "upgrade", "on": {"tierEntered": ["pql", "hot"]}, "target": {"tiers": ["pql", "hot"]}, "priority": 10, "cap": {"perDay": 1, "total": 3, "cooldownHours": 24}, "snoozeHours": 72, "copy": copy},
  "hot": {"id": "hot", "kind": "upgrade", "on": {"tierEntered": ["hot"]}, "priority": 20, "copy": copy},
  "activation": {"id": "activation", "kind": "nudge", "on": {"tierEntered": ["low"]}, "target": {"tiers": ["low"]}, "copy": copy},
  "limit": {"id": "limit", "kind": "nudge", "on": {"event": "limit_reached"}, "priority": 5, "copy": copy},
  "gate": {"id": "gate", "kind": "gate", "on": {"gate": ["export", "sso"]}, "copy": copy},
  "trial": {"id": "trial", "kind": "trial", "target": {"trial": {"max": 3}}, "copy": copy},
  "widget": {"id": "widget", "kind": "widget", "target": {"plans": ["trial", "free"]}, "copy": copy},
  "route": {"id": "route", "kind": "nudge", "target": {"routes": ["/projects/**"]}, "copy": copy},
  "held": {"id": "held", "kind": "nudge", "on": {"event": "x"}, "holdout": 100, "copy": copy},
  "half": {"id": "half", "kind": "nudge", "on": {"event": "x"}, "holdout": 0.5, "copy": copy},
  "never": {"id": "never", "kind": "nudge", "on": {"event": "x"}, "holdout": 0, "priority": -1, "copy": copy},
  # No tier or event trigger: the target is the trigger, evaluated at every check.
  "scored": {"id": "scored", "kind": "nudge", "target": {"score": {"min": 60, "max": 80}}, "cap": {"perDay": 1, "cooldownHours": 48}, "copy": copy},
  "lastdays": {"id": "lastdays", "kind": "upgrade", "target": {"trial": {"min": 1, "max": 3}}, "priority": 5, "copy": copy},
}
base_state = {"now": NOW, "userId": "u1", "anonymousId": "a1", "tier": "pql", "score": 70, "plan": "trial", "trialEnd": NOW + 10 * D, "route": "/", "history": {}, "shownToday": 0, "visible": None, "otherTabs": []}
cases = []
def case(name, ids, trig, expect_show, state=None, budget=2, reasons=None):
    st = dict(base_state); st.update(state or {})
    cases.append({"name": name, "moments": ids, "state": st, "trigger": trig, "budget": budget, "show": expect_show, "reasons": reasons or {}})
tier = lambda to, frm="moderate": {"type": "tier", "from": frm, "to": to}
case("entering pql shows the upgrade prompt", ["upgrade", "activation"], tier("pql"), "upgrade")
case("entering hot: the higher priority wins", ["upgrade", "hot"], tier("hot"), "hot", {"tier": "hot", "score": 90}, reasons={"upgrade": "lower priority than hot"})
case("low-engagement users get the activation nudge, not upgrade copy", ["upgrade", "activation"], tier("low", None), "activation", {"tier": "low", "score": 10})
case("a trigger for another tier shows nothing", ["upgrade"], tier("moderate", "low"), None, {"tier": "moderate"})
case("target tier must hold now", ["upgrade"], tier("pql"), None, {"tier": "moderate"}, reasons={"upgrade": "tier moderate not in pql/hot"})
case("dismissed without snooze never returns", [dict(M["upgrade"], snoozeHours=None)], tier("pql"), None, {"history": {"upgrade": {"shown": [NOW - 5 * D], "dismissedAt": NOW - 5 * D}}}, reasons={"upgrade": "dismissed"})
case("dismissed: snoozed for 72 h", ["upgrade"], tier("pql"), None, {"history": {"upgrade": {"shown": [NOW - 2 * D], "dismissedAt": NOW - 2 * D}}}, reasons={"upgrade": "snoozed after dismissal"})
case("dismissed: snooze expired, may show again", ["upgrade"], tier("pql"), "upgrade", {"history": {"upgrade": {"shown": [NOW - 4 * D], "dismissedAt": NOW - 4 * D}}})
case("per-day cap", ["upgrade"], tier("pql"), None, {"history": {"upgrade": {"shown": [NOW - 2 * H]}}}, reasons={"upgrade": "shown 1 times today (cap)"})
case("cooldown of 24 h", [dict(M["upgrade"], cap={"cooldownHours": 24})], tier("pql"), None, {"history": {"upgrade": {"shown": [NOW - 20 * H]}}}, reasons={"upgrade": "in cooldown"})
case("cooldown over", [dict(M["upgrade"], cap={"cooldownHours": 24})], tier("pql"), "upgrade", {"history": {"upgrade": {"shown": [NOW - 25 * H]}}})
case("total cap", ["upgrade"], tier("pql"), None, {"history": {"upgrade": {"shown": [NOW - 9 * D, NOW - 6 * D, NOW - 3 * D]}}}, reasons={"upgrade": "shown 3 times (cap 3)"})
case("total cap counts every show, not only the 20 latest times kept", [dict(M["upgrade"], cap={"total": 25})], tier("pql"), None, {"history": {"upgrade": {"shown": [NOW - (30 - i) * D for i in range(20)], "count": 25}}}, reasons={"upgrade": "shown 25 times (cap 25)"})
case("total cap above 20: shows while the count is below it", [dict(M["upgrade"], cap={"total": 25})], tier("pql"), "upgrade", {"history": {"upgrade": {"shown": [NOW - (30 - i) * D for i in range(20)], "count": 24}}})
case("global budget spent", ["upgrade"], tier("pql"), None, {"shownToday": 2}, reasons={"upgrade": "daily budget of 2 spent"})
case("gates bypass the budget", ["gate"], {"type": "gate", "feature": "export"}, "gate", {"shownToday": 5})
case("a gate opens again after a dismissal: the user asked for the feature", ["gate"], {"type": "gate", "feature": "export"}, "gate", {"history": {"gate": {"shown": [NOW - H], "dismissedAt": NOW - H}}})
case("gate for another feature", ["gate"], {"type": "gate", "feature": "billing"}, None)
case("gates only answer gate triggers", ["gate"], {"type": "event", "name": "export"}, None)
case("an event trigger", ["limit", "upgrade"], {"type": "event", "name": "limit_reached"}, "limit")
case("tier re-entry after dropping out shows again once caps allow", ["upgrade"], tier("pql"), "upgrade", {"history": {"upgrade": {"shown": [NOW - 2 * D]}}})
case("shown in another tab is not repeated", ["upgrade"], tier("pql"), None, {"otherTabs": ["upgrade"]}, reasons={"upgrade": "shown in another tab"})
case("a gate shown in another tab still opens here: this user asked", ["gate"], {"type": "gate", "feature": "export"}, "gate", {"otherTabs": ["gate"]})
case("a trial banner shows while a nudge is on screen: it has its own place", ["trial"], {"type": "check"}, "trial", {"trialEnd": NOW + 2 * D, "visible": "activation"})
case("a widget shows while a prompt is on screen", ["widget"], {"type": "check"}, "widget", {"visible": "upgrade"})
case("a moment on screen is not replaced", ["upgrade", "limit"], {"type": "event", "name": "limit_reached"}, None, {"visible": "upgrade"}, reasons={"limit": "another moment (upgrade) is on screen"})
case("a gate replaces what is on screen", ["gate"], {"type": "gate", "feature": "sso"}, "gate", {"visible": "upgrade"})
case("holdout 100%: recorded as held out, never shown", ["held", "never"], {"type": "event", "name": "x"}, "never", reasons={"held": "held out (100% control group)"})
# hash("u306\0half") = 497811300: bucket 0, 13 in it; hash("u78\0half") = 3521789700: bucket 0, 97 in it.
case("holdout 0.5%: the lower half of the first of 100 buckets is held out", ["half"], {"type": "event", "name": "x"}, None, {"userId": "u306"}, reasons={"half": "held out (0.5% control group)"})
case("holdout 0.5%: the upper half of the first bucket is not", ["half"], {"type": "event", "name": "x"}, "half", {"userId": "u78"})
case("a person recorded as held out stays held out (bucketed while anonymous, bucketed otherwise once identified)", ["half"], {"type": "event", "name": "x"}, None, {"userId": "u78", "history": {"half": {"shown": [], "heldOut": 1}}}, reasons={"half": "held out (0.5% control group)"})
case("a person already shown it stays in the treatment group (shown while anonymous, in the holdout's bucket once identified)", ["half"], {"type": "event", "name": "x"}, "half", {"userId": "u306", "history": {"half": {"shown": [NOW - 2 * D], "count": 1}}})
case("a person shown it before (history of an older version, no count) stays in the treatment group", ["half"], {"type": "event", "name": "x"}, "half", {"userId": "u306", "history": {"half": {"shown": [NOW - 2 * D]}}})
case("a held-out record does not hold back a moment whose holdout was removed", [dict(M["half"], holdout=None)], {"type": "event", "name": "x"}, "half", {"history": {"half": {"shown": [], "heldOut": 1}}})
case("trial banner within 3 days of the end", ["trial"], {"type": "check"}, "trial", {"trialEnd": NOW + 2 * D + H})
case("trial banner not yet with 10 days left", ["trial"], {"type": "check"}, None, reasons={"trial": "10 trial days left, outside the range"})
case("trial banner after the end (days left <= 0 is within max 3)", ["trial"], {"type": "check"}, "trial", {"trialEnd": NOW - D})
case("trial targeting without a trial end", ["trial"], {"type": "check"}, None, {"trialEnd": None}, reasons={"trial": "no trial end date known"})
case("widget for trial plans, outside the budget", ["widget"], {"type": "check"}, "widget", {"shownToday": 9})
case("widget not for paying plans", ["widget"], {"type": "check"}, None, {"plan": "pro"})
free_only = dict(M["upgrade"], target={"tiers": ["pql", "hot"], "paying": False})
case("paying: false shows to a user on a free plan", [free_only], tier("pql"), "upgrade", {"plan": "free", "paying": False})
case("paying: false shows when the plan is unknown (not known to pay)", [free_only], tier("pql"), "upgrade", {"plan": None, "paying": False})
case("paying: false hides an upgrade prompt from a paying customer", [free_only], tier("pql"), None, {"plan": "pro", "paying": True}, reasons={"upgrade": "a paying customer (plan pro)"})
case("paying: true (an upsell) hides from a user not known to pay", [dict(M["limit"], target={"paying": True})], {"type": "event", "name": "limit_reached"}, None, {"plan": "trial", "paying": False}, reasons={"limit": "not a paying customer (plan trial)"})
case("paying: true shows to a paying customer", [dict(M["limit"], target={"paying": True})], {"type": "event", "name": "limit_reached"}, "limit", {"plan": "business", "paying": True})
buyers = dict(M["upgrade"], target={"tiers": ["pql", "hot"], "traits": {"role": ["admin", "owner"]}})
case("traits: an admin, who can buy, sees the upgrade prompt", [buyers], tier("pql"), "upgrade", {"traits": {"role": "admin", "seats": 4}})
case("traits: a member, who cannot buy, does not", [buyers], tier("pql"), None, {"traits": {"role": "member"}}, reasons={"upgrade": "trait role member not targeted"})
case("traits: a trait not given matches none", [buyers], tier("pql"), None, {"traits": {}}, reasons={"upgrade": "trait role not given"})
case("traits: numbers and booleans match by value, not as text", [dict(buyers, target={"traits": {"seats": [1], "beta": [True]}})], tier("pql"), None, {"traits": {"seats": "1", "beta": True}}, reasons={"upgrade": "trait seats 1 not targeted"})
case("traits: an object trait is not shown in the reason", [buyers], tier("pql"), None, {"traits": {"role": {"name": "admin"}}}, reasons={"upgrade": "trait role not targeted"})
seats = dict(M["limit"], id="seats", on={"event": "limit_reached", "where": {"limit": "seats"}}, priority=6)
projects = dict(M["limit"], id="projects", on={"event": "limit_reached", "where": {"limit": "projects", "max": 3}})
hit = lambda props: {"type": "event", "name": "limit_reached", "props": props}
case("event props: the seat limit's nudge for a seat limit", [seats, projects], hit({"limit": "seats", "max": 5}), "seats")
case("event props: the project limit's nudge for a project limit of 3", [seats, projects], hit({"limit": "projects", "max": 3}), "projects")
case("event props: a number matches by value, not as text", [projects], hit({"limit": "projects", "max": "3"}), None)
case("event props: an event without props matches no filter", [seats], {"type": "event", "name": "limit_reached"}, None)
campaign = dict(M["limit"], id="campaign", target={"from": NOW - D, "until": "2026-03-16T12:00:00Z"})
case("dates: within them", [campaign], {"type": "event", "name": "limit_reached"}, "campaign")
case("dates: before from", [dict(campaign, target={"from": "2026-03-15T12:00:01Z"})], {"type": "event", "name": "limit_reached"}, None, reasons={"campaign": "its dates have not started"})
case("dates: from is inclusive", [dict(campaign, target={"from": NOW})], {"type": "event", "name": "limit_reached"}, "campaign")
case("dates: until is exclusive", [dict(campaign, target={"until": NOW})], {"type": "event", "name": "limit_reached"}, None, reasons={"campaign": "its dates are over"})
case("route-targeted moment on a matching route", ["route"], {"type": "check"}, "route", {"route": "/projects/42/board"})
case("route-targeted moment elsewhere", ["route"], {"type": "check"}, None, {"route": "/settings"}, reasons={"route": "route /settings not targeted"})
case("score range targeting", [dict(M["limit"], target={"score": {"min": 31, "max": 60}})], {"type": "event", "name": "limit_reached"}, None, {"score": 70}, reasons={"limit": "score 70 out of range"})
check = {"type": "check"}
near_limit = dict(M["limit"], on=None, id="near", target={"signals": {"projects": {"min": 4, "max": 4}}})
case("signal range: a usage-limit warning at 4 of 5 projects", [near_limit], check, "near", {"signals": {"projects": {"value": 4}, "invites": {"value": 0}}})
case("signal range: below it", [near_limit], check, None, {"signals": {"projects": {"value": 3}}}, reasons={"near": "signal projects 3 out of range"})
case("signal range: past its max", [near_limit], check, None, {"signals": {"projects": {"value": 5}}}, reasons={"near": "signal projects 5 out of range"})
case("signal range: an unknown value is out of every range", [dict(near_limit, target={"signals": {"first_export": {"max": 3}}})], check, None, {"signals": {"first_export": {"value": None}}}, reasons={"near": "signal first_export not known yet"})
case("signal range: every signal listed must hold", [dict(near_limit, target={"signals": {"projects": {"min": 4}, "invites": {"min": 1}}})], check, None, {"signals": {"projects": {"value": 4}, "invites": {"value": 0}}}, reasons={"near": "signal invites 0 out of range"})
case("on a score range: a check shows a moment whose only condition is the score", ["scored"], check, "scored")
case("on a score range: out of range at the check", ["scored"], check, None, {"score": 40}, reasons={"scored": "score 40 out of range"})
case("on trial days left: a check shows a prompt within the last 3 days", ["lastdays"], check, "lastdays", {"trialEnd": NOW + 2 * D})
case("on trial days left: not with 10 days left", ["lastdays"], check, None, reasons={"lastdays": "10 trial days left, outside the range"})
case("on trial days left: not once the trial ended", ["lastdays"], check, None, {"trialEnd": NOW - H}, reasons={"lastdays": "0 trial days left, outside the range"})
case("check-triggered moments keep their per-day cap", ["scored"], check, None, {"history": {"scored": {"shown": [NOW - 3 * H]}}}, reasons={"scored": "shown 1 times today (cap)"})
case("check-triggered moments keep their cooldown", ["scored"], check, None, {"history": {"scored": {"shown": [NOW - 30 * H]}}}, reasons={"scored": "in cooldown"})
case("check-triggered moments keep their dismissal", ["scored"], check, None, {"history": {"scored": {"shown": [NOW - 9 * D], "dismissedAt": NOW - 9 * D}}}, reasons={"scored": "dismissed"})
case("check-triggered moments spend the global budget", ["lastdays"], check, None, {"trialEnd": NOW + D, "shownToday": 2}, reasons={"lastdays": "daily budget of 2 spent"})
case("check-triggered moments keep their holdout", [dict(M["scored"], holdout=100)], check, None, reasons={"scored": "held out (100% control group)"})
case("check-triggered moments compete by priority", ["scored", "lastdays"], check, "lastdays", {"trialEnd": NOW + D}, reasons={"scored": "lower priority than lastdays"})
case("a check-triggered moment does not replace one on screen", ["scored"], check, None, {"visible": "upgrade"}, reasons={"scored": "another moment (upgrade) is on screen"})
case("a score-range moment is not a candidate on a tier or event trigger", ["scored", "lastdays"], tier("pql"), None, {"trialEnd": NOW + D})
case("a moment with an event trigger is not a candidate on a check", [dict(M["limit"], target={"score": {"min": 60}})], check, None)
case("a moment with a tier trigger is not a candidate on a check", ["upgrade"], check, None)
for c in cases:
    c["moments"] = [M[m] if isinstance(m, str) else {k: v for k, v in m.items() if v is not None} for m in c["moments"]]
json.dump(cases, open("test/trigger/trigger.cases.json", "w"), indent=1)
print(len(cases))

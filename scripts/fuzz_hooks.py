"""schemathesis hooks for scripts/test.d/50-api-fuzz.sh (SCHEMATHESIS_HOOKS=fuzz_hooks).

Counts every answer per operation (method and path template) by status class and writes the counts
to $SPOTCHECK_FUZZ_COUNTS when the run ends, for scripts/fuzz-summary.py to print and judge; and
turns some calls into requests built from state made beforehand (below), so that every operation
can succeed. Every request carries $SPOTCHECK_FUZZ_TOKEN; without $SPOTCHECK_FUZZ_TOKEN2 (a second
person of the same department) and $SPOTCHECK_FUZZ_TOKEN3 (a partner department's supervisor) it
only counts.
"""

import atexit
import datetime
import itertools
import json
import os
import threading
import time

import requests
import schemathesis

_lock = threading.Lock()
_counts: dict[str, dict[str, int]] = {}


def _save() -> None:
    path = os.environ.get("SPOTCHECK_FUZZ_COUNTS")
    if path:
        with _lock, open(path, "w", encoding="utf-8") as f:
            json.dump(_counts, f, indent=1, sort_keys=True)


atexit.register(_save)


# The count of requests built to succeed (below) that were answered 401: the hooks sent them with
# a valid token, so a 401 means the token never reached the server. fuzz-summary.py fails on any.
UNAUTHENTICATED = "401 built"


@schemathesis.hook
def after_call(context, case, response):
    op = f"{case.operation.method.upper()} {case.operation.path}"
    cls = f"{response.status_code // 100}xx"
    built = bool((case.headers or {}).get(MARK))
    with _lock:
        per = _counts.setdefault(op, {})
        per[cls] = per.get(cls, 0) + 1
        if built and response.status_code == 401:
            per[UNAUTHENTICATED] = per.get(UNAUTHENTICATED, 0) + 1
    if built and response.status_code >= 300:
        # A request built to succeed did not: say why (the summary then names the operation).
        print(f"fuzz: stateful {op} answered {response.status_code}: {response.text[:300]}", flush=True)


# ---------------------------------------------------------------------------------------------
# Stateful cases: requests that must succeed.
#
# Random bodies and ids almost never name a plan in the right state, a drawn target or a decision
# waiting for someone else's approval, so some write operations would never see a 2xx. Before the
# run, the hook makes the state those requests need through the API (a second person,
# $SPOTCHECK_FUZZ_TOKEN2, enters what the fuzzing token must approve), and every fourth call of
# such an operation is replaced by a request built from that state: the ids created earlier feed
# the later calls, as OpenAPI links would. The plan operations (commit, amend, withdraw, cancel,
# draw, time-stamp retry and token download) get a plan made in the state they need at that
# moment instead: the stateful phase's links can change any plan they find, so a plan reserved
# at setup might no longer be in that state when its turn comes. The server's answers to these
# requests go through the same checks and counts as every other.

DEPT = "莆田市文化和旅游局"
# A department with inspectors of travel agencies in the demo's inspector registry.
PARTNER = "城厢区文体旅游局"
_state: dict | None = None
_state_lock = threading.Lock()
_calls: dict[str, int] = {}


def _iso(ts: float) -> str:
    return datetime.datetime.fromtimestamp(int(ts), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _china_today() -> str:
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).strftime("%Y-%m-%d")


def _plan(pid: str, at: float, joint: bool = False) -> dict:
    parameters: dict = {"default": {"count": 2}, "inspectors_per_target": 2}
    if joint:
        # 部门联合抽查 with the partner department of $SPOTCHECK_FUZZ_TOKEN3.
        parameters["joint"] = {"lead": DEPT, "partners": [PARTNER], "require": "all"}
    return {
        "id": pid, "item": "PT-LY-001", "title": "模糊测试抽查", "department": DEPT,
        "target_kind": "agency", "stratum_scheme": "region",
        "filter": {"mode": "targeted", "regions": ["350300"], "credit_classes": [], "outbound": None, "statuses": []},
        "parameters": parameters,
        "entropy_source": {"witnesses": ["观察员 李某"]}, "planned_draw_at": _iso(at),
    }


def _penalty(number: str) -> dict:
    return {
        "number": number,
        "party": {"kind": "organisation", "name": "莆田宁海商务旅行社有限公司", "credit_code": None},
        "cause": "未按规定委派导游", "legal_basis": "《旅行社条例》第五十六条",
        "conditions": "未为团队委派持证导游。", "procedure": "普通程序",
        "result": "罚款人民币伍仟元", "authority": DEPT, "decided_on": "2026-11-20",
        "minor": False, "involves_minor": False, "target": None, "plan": None,
    }


def _setup() -> dict:
    base = os.environ["SPOTCHECK_FUZZ_BASE"]
    t1 = {"Authorization": f"Bearer {os.environ['SPOTCHECK_FUZZ_TOKEN']}"}
    t2 = {"Authorization": f"Bearer {os.environ['SPOTCHECK_FUZZ_TOKEN2']}"}

    def call(method, path, headers, body=None, expect=(200, 201)):
        r = requests.request(method, base + path, headers=headers, json=body, timeout=30)
        if r.status_code not in expect:
            raise RuntimeError(f"fuzz setup: {method} {path} answered {r.status_code}: {r.text[:500]}")
        return r

    n = 3
    st: dict = {}
    transcript = call("GET", "/api/public/plans/PT-2026-DEMO/transcript", {}).json()
    targets = [s["target"] for s in transcript["selections"]]
    st["proof"] = targets
    # Targets for results the fuzzing token records, and ones the second person records for it
    # to approve.
    st["result"] = targets[: len(targets) // 2]
    st["approve_result"] = []
    for t in targets[len(targets) // 2 :]:
        call("POST", "/api/plans/PT-2026-DEMO/results", t2, _result(t))
        st["approve_result"].append(t)
    st["penalty"] = [f"莆文旅罚〔2026〕F{i}号" for i in range(n)]
    st["approve_penalty"] = []
    st["change"] = []
    st["approve_change"] = []
    for i in range(n):
        for key in ("approve_penalty", "change", "approve_change"):
            number = f"莆文旅罚〔2026〕{key.upper()}{i}号"
            call("POST", "/api/penalties", t2, _penalty(number))
            if key == "approve_change":
                call("POST", f"/api/penalties/{requests.utils.quote(number)}/changes", t2, _change())
            st[key].append(number)
    # Drafts: results on two plans drawn now (the second person's to return, the fuzzing
    # token's own to amend and to withdraw), and decisions the same.
    at = time.time() + 2
    drafts_plans = [_fresh("DRAFTS", at, commit=True) for _ in range(2)]
    time.sleep(max(0.0, at + 1.5 - time.time()))
    draft_targets = []
    for pid in drafts_plans:
        drawn = call("POST", f"/api/plans/{pid}/draw", t1,
                     {"witnesses": [{"name": "观察员 李某", "value": "1 4 1 4 2 1"}]}).json()
        draft_targets += [(pid, sel["target"]) for sel in drawn["selections"]]
    for key, who in (("return_result", t2), ("amend_result", t1), ("withdraw_result", t1)):
        st[key] = []
        if draft_targets:
            pid, t = draft_targets.pop(0)
            call("POST", f"/api/plans/{pid}/results", who, _result(t))
            st[key].append((pid, t))
    for key, who in (("return_penalty", t2), ("amend_penalty", t1), ("withdraw_penalty", t1)):
        st[key] = []
        for i in range(n):
            number = f"莆文旅罚〔2026〕{key.upper()}{i}号"
            call("POST", "/api/penalties", who, _penalty(number))
            st[key].append(number)
    # A refused file with more problems than the 422 lists: its report can be downloaded.
    bad = "统一社会信用代码,经营者名称,平台名称,行政区划代码,信用等级,经营状态\n" + "".join(
        f"X{i},莆田某网络科技有限公司,游云网,350302,A,正常\n" for i in range(1_100)
    )
    r = requests.post(base + "/api/registries/operators", headers={**t1, "Content-Type": "text/csv"},
                      data=bad.encode(), timeout=60)
    st["report"] = [r.json().get("report_id")] if r.status_code == 422 else []
    root = os.environ.get("SPOTCHECK_FUZZ_FIXTURES", "fixtures")
    with open(os.path.join(root, "items", "tourism-items.csv"), "rb") as f:
        st["items_csv"] = f.read()
    return st


def _result(target: str) -> dict:
    # Values from the document's enums (the server also takes the Chinese words, as `现场检查` for
    # `on_site`, but the document lists only the codes): a body the document rejects keeps the case
    # negative, and schemathesis then leaves out a header the case was generated without.
    return {"target": target, "code": "no_problem_found", "method": "on_site",
            "findings": "经营资质齐全，合同规范。", "completed_on": _china_today()}


def _change() -> dict:
    return {"kind": "revoked", "reason": "复议撤销", "new_result": None, "effective_on": _china_today()}


def _fresh(kind: str, at: float, commit: bool, joint: bool = False) -> str:
    """A draft made now for a draw at `at`, committed if `commit`; its id."""
    pid = f"FZ-{kind}-NOW-{next(_new_ids)}"
    base = os.environ["SPOTCHECK_FUZZ_BASE"]
    auth = {"Authorization": f"Bearer {os.environ['SPOTCHECK_FUZZ_TOKEN']}"}
    requests.post(base + "/api/plans", timeout=30, headers=auth, json=_plan(pid, at, joint)).raise_for_status()
    if commit:
        requests.post(base + f"/api/plans/{pid}/commit", timeout=30, headers=auth).raise_for_status()
    return pid


def _take(st: dict, key: str):
    items = st.get(key) or []
    return items.pop(0) if items else None


def _valid(op: str, st: dict, case) -> bool:
    """Turns `case` into a request that must succeed; False when no state is left for it."""
    if op == "POST /api/plans":
        pid = f"FZ-NEW-{next(_new_ids)}"
        case.body = _plan(pid, time.time() + 3600)
    elif op in ("POST /api/plans/{id}/commit", "PUT /api/plans/{id}", "POST /api/plans/{id}/withdraw",
                "POST /api/plans/{id}/cancel", "POST /api/plans/{id}/draw", "POST /api/plans/{id}/timestamps"):
        # Each on a plan made at that moment in the state the operation needs: plans made at
        # setup could be amended, withdrawn, cancelled or drawn by the stateful phase's links
        # before their turn came.
        key = op.rsplit("/", 1)[1]
        if key == "draw":
            # Committed for a draw two seconds from now (the server runs with no minimum notice).
            at = time.time() + 2
            pid = _fresh("DRAW", at, commit=True)
            time.sleep(max(0.0, at + 1.5 - time.time()))
            case.body = {"witnesses": [{"name": "观察员 李某", "value": "2 7 1 8 2 8"}]}
        else:
            name = {"{id}": "AMEND"}.get(key, key.upper())
            pid = _fresh(name, time.time() + 3600, commit=key in ("cancel", "timestamps"))
        if key == "{id}":
            spec = {**_plan(pid, time.time() + 7200), "title": "模糊测试抽查（修订）"}
            case.body = {"expected_version": 1, "spec": spec}
        elif key in ("withdraw", "cancel"):
            case.body = {"reason": "模糊测试"}
        case.path_parameters = {"id": pid}
    elif op == "GET /api/public/plans/{id}/timestamps/{file}":
        # A plan committed just now: its commitment was stamped by the fuzz server's authority.
        pid = _fresh("STAMPED", time.time() + 3600, commit=True)
        file = ["commitment.fuzz.tsr", "tsa-anchors.pem"][next(_new_ids) % 2]
        case.path_parameters = {"id": pid, "file": file}
        case.headers = {h: v for h, v in (case.headers or {}).items() if h.lower() != "if-none-match"}
    elif op == "POST /api/plans/{id}/partner-approval":
        # A joint draft made now, approved by its partner department's supervisor.
        pid = _fresh("JOINT", time.time() + 3600, commit=False, joint=True)
        case.path_parameters = {"id": pid}
        case.body = {"expected_version": 1}
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {os.environ['SPOTCHECK_FUZZ_TOKEN3']}"}
    elif op == "POST /api/plans/{id}/results":
        t = _take(st, "result")
        if t is None:
            return False
        case.path_parameters = {"id": "PT-2026-DEMO"}
        case.body = _result(t)
    elif op == "POST /api/plans/{id}/results/{target}/approval":
        t = _take(st, "approve_result")
        if t is None:
            return False
        case.path_parameters = {"id": "PT-2026-DEMO", "target": t}
    elif op == "GET /api/public/plans/{id}/proof/{target}":
        case.path_parameters = {"id": "PT-2026-DEMO", "target": st["proof"][0]}
    elif op == "POST /api/penalties":
        number = _take(st, "penalty")
        if number is None:
            return False
        case.body = _penalty(number)
    elif op == "POST /api/penalties/{number}/approval":
        number = _take(st, "approve_penalty")
        if number is None:
            return False
        case.path_parameters = {"number": number}
    elif op == "POST /api/penalties/{number}/changes":
        number = _take(st, "change")
        if number is None:
            return False
        case.path_parameters = {"number": number}
        case.body = _change()
    elif op == "POST /api/penalties/{number}/changes/{seq}/approval":
        number = _take(st, "approve_change")
        if number is None:
            return False
        case.path_parameters = {"number": number, "seq": 1}
    elif op in ("POST /api/plans/{id}/results/{target}/return", "PUT /api/plans/{id}/results/{target}",
                "POST /api/plans/{id}/results/{target}/withdraw"):
        key = {"return": "return_result", "{target}": "amend_result", "withdraw": "withdraw_result"}[op.rsplit("/", 1)[1]]
        taken = _take(st, key)
        if taken is None:
            return False
        case.path_parameters = {"id": taken[0], "target": taken[1]}
        case.query = {}
        if key == "return_result":
            case.body = {"reason": "请补充检查方式"}
        elif key == "amend_result":
            case.body = {k: v for k, v in _result(taken[1]).items() if k != "target"}
            case.body["findings"] = "经营资质齐全，合同规范（已补充）。"
        else:
            case.body = None
    elif op in ("POST /api/penalties/{number}/return", "PUT /api/penalties/{number}",
                "POST /api/penalties/{number}/withdraw"):
        key = {"return": "return_penalty", "{number}": "amend_penalty", "withdraw": "withdraw_penalty"}[op.rsplit("/", 1)[1]]
        number = _take(st, key)
        if number is None:
            return False
        case.path_parameters = {"number": number}
        case.query = {}
        if key == "return_penalty":
            case.body = {"reason": "处罚依据请写明条款"}
        elif key == "amend_penalty":
            case.body = {**_penalty(number), "result": "罚款人民币叁仟元"}
        else:
            case.body = None
    elif op == "GET /api/registries/{kind}/snapshots":
        case.path_parameters = {"kind": "agencies"}
        case.query = {}
    elif op == "POST /api/registries/{kind}":
        case.path_parameters = {"kind": "items"}
        case.query = {}
        case.media_type = "text/csv"
        case.body = st["items_csv"]
    elif op == "GET /api/registries/{kind}/reports/{report_id}":
        if not st["report"] or not st["report"][0]:
            return False
        case.path_parameters = {"kind": "operators", "report_id": st["report"][0]}
    elif op == "GET /api/exports/{layout}":
        case.path_parameters = {"layout": ["credit-china", "gsxt"][next(_new_ids) % 2]}
        case.query = {"format": "csv"}
    elif op == "POST /api/plans/preview":
        case.body = _plan("FZ-PREVIEW", time.time() + 3600)
    elif "id" in (case.path_parameters or {}) and set(case.path_parameters) <= {"id"}:
        # Any other read of one plan: the demo's drawn plan.
        case.path_parameters = {"id": "PT-2026-DEMO"}
    else:
        return False
    # The key the generator made up (possibly malformed) would refuse the request.
    for h in list(case.headers or {}):
        if h.lower() == "idempotency-key":
            del case.headers[h]
    if op not in ("POST /api/registries/{kind}",) and case.body is not None and isinstance(case.body, dict):
        case.media_type = "application/json"
    return True


def _valid_upload(op: str, case) -> bool:
    """Turns `case` into a large-upload request that must succeed (the upload-route server's run)."""
    kind = ["guides", "agencies", "operators", "inspectors"][next(_new_ids) % 4]
    file_name = f"{kind}.csv"
    if op == "POST /api/registries/{kind}/uploads":
        case.path_parameters = {"kind": kind}
        case.body = {"file_name": file_name}
        case.media_type = "application/json"
    elif op == "GET /api/registries/{kind}/uploads/{upload_id}":
        # An upload asked for just now: pending, since no file is sent.
        r = requests.post(f"{os.environ['SPOTCHECK_FUZZ_UPLOADS']}/api/registries/{kind}/uploads", timeout=30,
                          headers={"Authorization": f"Bearer {os.environ['SPOTCHECK_FUZZ_TOKEN']}"},
                          json={"file_name": file_name})
        r.raise_for_status()
        case.path_parameters = {"kind": kind, "upload_id": r.json()["upload_id"]}
    else:
        return False
    for h in list(case.headers or {}):
        if h.lower() == "idempotency-key":
            del case.headers[h]
    return True


_new_ids = itertools.count()
# Marks a request built to succeed (the server ignores the header).
MARK = "X-Fuzz-Stateful"
# Operations whose last request built to succeed would have gone without Authorization (below):
# their next call is built too.
_owed: set[str] = set()


def _sent_without_auth(case) -> bool:
    """Whether schemathesis will send `case`, as the hooks left it, without its Authorization header.

    A negative case generated by leaving out the bearer token (a header the operation's security
    scheme requires) keeps that header out of the request whatever a hook sets, unless the request
    as sent validates against the document, which then makes the case positive. A request built
    here need not validate (a CSV upload's bytes never do; a body with a word the server takes but
    the document's enum does not list neither). This asks schemathesis's own rule (4.32.5), after
    re-deciding the case's mode as it does after the hooks.
    """
    try:
        from schemathesis.transport.prepare import get_exclude_headers

        case._check_modifications()
        if case._meta is not None and case._meta.is_dirty():
            case._revalidate_metadata()
        return any(h.lower() == "authorization" for h in get_exclude_headers(case))
    except (ImportError, AttributeError):  # another schemathesis: the summary's 401 check remains
        return False


def _built(op: str, case) -> None:
    """Marks `case`, built to succeed, as such; or, when it would go without Authorization, leaves
    it unmarked (an ordinary 401) and builds the operation's next call instead."""
    if _sent_without_auth(case):
        _owed.add(op)
        print(f"fuzz: {op}: the built request would go without Authorization; building the next call", flush=True)
        return
    _owed.discard(op)
    case.headers = {**(case.headers or {}), MARK: "1"}


@schemathesis.hook
def before_call(context, case, kwargs):
    global _state
    # Every request carries the fuzzing token (set here rather than with --header, which would
    # override a case that acts as another person).
    token = os.environ.get("SPOTCHECK_FUZZ_TOKEN")
    if token:
        headers = {h: v for h, v in (case.headers or {}).items() if h.lower() != "authorization"}
        case.headers = {**headers, "Authorization": f"Bearer {token}"}
    if not (os.environ.get("SPOTCHECK_FUZZ_TOKEN2") and os.environ.get("SPOTCHECK_FUZZ_TOKEN3")):
        return
    op = f"{case.operation.method.upper()} {case.operation.path}"
    if os.environ.get("SPOTCHECK_FUZZ_UPLOADS_RUN"):
        # The run against the upload-route server: no state to set up there.
        with _state_lock:
            if _due(op) and _valid_upload(op, case):
                _built(op, case)
        return
    with _state_lock:
        if _state is None:
            _state = _setup()
        if _due(op) and _valid(op, _state, case):
            _built(op, case)


def _due(op: str) -> bool:
    """Whether this call of `op` is to be built to succeed: every fourth call, and the one after a
    built request that would have gone without Authorization. Called under _state_lock."""
    n = _calls.get(op, 0)
    _calls[op] = n + 1
    return n % 4 == 0 or op in _owed

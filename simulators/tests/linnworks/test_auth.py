"""AuthorizeByApplication, session tokens on stream calls, TTL and expiry."""

from __future__ import annotations

import re

from commerce_simulators.linnworks import LinnworksSimulator

from .support import admin, authorize, post, session

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
LOCATIONS = "/api/Inventory/GetStockLocations"
DENIED = {"Code": None, "Message": "Authorization has been denied for this request."}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_authorize_answers_token_ttl_and_this_server(shared_sim: LinnworksSimulator):
    reply = authorize(shared_sim)
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/json; charset=utf-8"
    body = reply.json()
    assert GUID.fullmatch(body["Token"]) and body["TTL"] == 1800
    assert body["Server"] == shared_sim.url and re.fullmatch(r"http://127\.0\.0\.1:\d+", body["Server"])
    assert post(shared_sim, LOCATIONS, session=body["Token"]).status == 200


def test_wrong_credentials_answer_401_with_code_and_message(shared_sim: LinnworksSimulator):
    expected = {"Code": None, "Message": "Invalid application id, secret or token"}
    for wrong in ({"applicationSecret": "nope"}, {"token": "nope"}, {"applicationId": "nope"}):
        reply = authorize(shared_sim, **wrong)
        assert (reply.status, reply.json()) == (401, expected)


def test_stream_calls_need_the_raw_session_token(shared_sim: LinnworksSimulator):
    token = session(shared_sim)
    for header in (None, "", "not-a-session", f"Bearer {token}"):
        reply = post(shared_sim, LOCATIONS, session=header)
        assert (reply.status, reply.json()) == (401, DENIED), header
    assert post(shared_sim, LOCATIONS, session=token).status == 200


def test_sessions_expire_after_ttl():
    clock = FakeClock()
    with LinnworksSimulator(ttl=60, clock=clock) as sim:
        token = session(sim)
        clock.now += 59.9
        assert post(sim, LOCATIONS, session=token).status == 200
        clock.now += 0.1
        assert post(sim, LOCATIONS, session=token).status == 401
        assert [e["session"] for e in sim.requests()[-2:]] == ["valid", "expired"]
        fresh = session(sim)
        assert fresh != token and post(sim, LOCATIONS, session=fresh).status == 200


def test_admin_expires_every_session(sim: LinnworksSimulator):
    tokens = [session(sim), session(sim)]
    assert admin(sim, "/sessions").json() == {"open": 2}
    assert admin(sim, "/sessions", "DELETE").json() == {"expired": 2}
    assert all(post(sim, LOCATIONS, session=t).status == 401 for t in tokens)
    assert post(sim, LOCATIONS, session=session(sim)).status == 200


def test_tokens_are_deterministic_and_secrets_stay_out_of_the_log():
    with LinnworksSimulator(seed=7) as a, LinnworksSimulator(seed=7) as b:
        assert [session(a), session(a)] == [session(b), session(b)]
        params = a.requests()[0]["params"]
        assert params == {"applicationId": a.application_id, "applicationSecret": "***", "token": "***"}

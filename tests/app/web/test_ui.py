"""The ops dashboard through its HTTP interface (TestClient), on SQLite and PostgreSQL.

The store is seeded by uploading real sample files through the API: Northwind's 850, Acme's
855 and 856 for it, Northwind's 852 store report, and an 850 whose PO1 carries a UPC with a
wrong check digit (rejected, with its issue at segment 9). Today is 2026-11-30, when line 1 of
PO-4500012345 is at risk (promised for 11-30, the ship notice says 12-01).
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from pydantic import SecretStr
from sqlalchemy import select

from app.services.promise_sweep import sweep_promises
from app.store.models import ApiKey, JobRun
from app.store.types import utcnow

GOLDEN = Path(__file__).parents[2] / "samples" / "golden"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
PO = "PO-4500012345"


def _text(html: str) -> str:
    """What a reader sees: the page without its tags, whitespace collapsed."""
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _bad_850() -> bytes:
    good = (GOLDEN / "x12" / "850-northwind-original.edi").read_text()
    return (good.replace(PO, "PO-2").replace("UP*012345678905", "UP*012345678901")
            .replace("000000101", "000000102").encode())


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def hub(client, make_partner, session, clock):
    """Partners, the uploads, scores and alerts; returns the keys and upload ids."""
    make_partner("Northwind Distribution", "distributor", ["ZZ:NORTHWIND", "GLN:0614141000012"])
    _, acme = make_partner("Acme Foods", "manufacturer", ["ZZ:ACMEFOODS", "GLN:0614141000005"])
    _, ops = make_partner("Hub Operations", "ops", [])
    bearer = {"Authorization": f"Bearer {ops}"}
    ids = {}
    for name in ("850-northwind-original.edi", "855-acme-accept-with-changes.edi",
                 "856-acme-pick-and-pack.edi", "852-northwind-weekly-sdq.edi"):
        response = client.post("/v1/interchanges", content=(GOLDEN / "x12" / name).read_bytes(),
                               headers=bearer)
        assert response.status_code == 201, response.text
        ids[name] = response.json()["id"]
    rejected = client.post("/v1/interchanges", content=_bad_850(), headers=bearer)
    assert rejected.status_code == 422
    ids["bad"] = rejected.json()["upload"]["id"]
    assert client.post("/v1/customers/scores", headers=bearer).status_code == 200
    sweep_promises(session, NOW.date(), NOW)
    session.commit()
    return {"ops": ops, "acme": acme, "ids": ids}


def sign_in(client, key: str):
    return client.post("/ui/login", data={"api_key": key}, follow_redirects=False)


@pytest.fixture
def signed_in(client, hub):
    response = sign_in(client, hub["ops"])
    assert response.status_code == 303
    return hub


# --- sign-in ------------------------------------------------------------------------------


def test_pages_send_a_visitor_without_a_session_to_the_sign_in_form(client, hub):
    response = client.get("/ui/promises?status=late", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/login?next=%2Fui%2Fpromises%3Fstatus%3Dlate"
    form = client.get(response.headers["location"])
    assert form.status_code == 200 and 'name="api_key"' in form.text


def test_an_ops_key_signs_in_with_a_signed_httponly_lax_cookie(client, hub):
    response = client.post("/ui/login", data={"api_key": hub["ops"], "next": "/ui/jobs"},
                           follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/ui/jobs")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("edihub_ui=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/ui" in cookie
    assert hub["ops"] not in cookie and hub["ops"].split("_", 2)[2] not in cookie
    assert client.get("/ui/", follow_redirects=False).status_code == 200


def test_sign_in_never_redirects_off_the_dashboard(client, hub):
    response = client.post("/ui/login", data={"api_key": hub["ops"],
                                              "next": "//evil.example/ui/"},
                           follow_redirects=False)
    assert response.headers["location"] == "/ui/"


def test_a_wrong_key_is_refused_and_no_session_starts(client, hub):
    response = sign_in(client, hub["ops"][:-3] + "xyz")
    assert response.status_code == 401
    assert "unknown or revoked" in response.text and "set-cookie" not in response.headers
    assert sign_in(client, "not-a-key").status_code == 401
    assert client.get("/ui/", follow_redirects=False).status_code == 303


def test_a_non_ops_key_is_refused(client, hub):
    response = sign_in(client, hub["acme"])
    assert response.status_code == 403
    assert "for ops keys" in response.text and "set-cookie" not in response.headers


def test_a_revoked_key_is_out_at_once(client, signed_in, session):
    assert client.get("/ui/", follow_redirects=False).status_code == 200
    key = session.scalars(select(ApiKey).where(ApiKey.role == "ops")).one()
    key.revoked_at = utcnow()
    session.commit()
    assert client.get("/ui/", follow_redirects=False).status_code == 303
    assert sign_in(client, signed_in["ops"]).status_code == 401


def test_a_tampered_cookie_is_no_session(client, signed_in):
    value = client.cookies.get("edihub_ui")
    body, signature = value.split(".")
    client.cookies.clear()
    client.cookies.set("edihub_ui", body + "." + signature[::-1])
    assert client.get("/ui/", follow_redirects=False).status_code == 303
    client.cookies.clear()
    client.cookies.set("edihub_ui", value)
    assert client.get("/ui/", follow_redirects=False).status_code == 200


def test_sign_out_needs_the_form_token_and_ends_the_session(client, signed_in):
    refused = client.post("/ui/logout", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/ui/", follow_redirects=False).status_code == 200
    token = _csrf(client.get("/ui/").text)
    response = client.post("/ui/logout", data={"csrf_token": token}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/ui/login")
    assert client.get("/ui/", follow_redirects=False).status_code == 303


def test_a_copy_of_the_cookie_is_worthless_after_sign_out_and_a_new_sign_in_works(
        client, signed_in):
    copied = client.cookies.get("edihub_ui")
    token = _csrf(client.get("/ui/").text)
    client.post("/ui/logout", data={"csrf_token": token}, follow_redirects=False)
    client.cookies.set("edihub_ui", copied, path="/ui")  # replayed after signing out
    assert client.get("/ui/", follow_redirects=False).status_code == 303
    client.cookies.clear()
    with time_machine.travel(NOW + timedelta(seconds=1), tick=False):  # a moment later
        assert sign_in(client, signed_in["ops"]).status_code == 303  # signing in again works
        assert client.get("/ui/", follow_redirects=False).status_code == 200


def test_a_form_posted_from_another_site_is_refused(client, signed_in):
    file_id = signed_in["ids"]["bad"]
    token = _csrf(client.get(f"/ui/messages/{file_id}").text)
    response = client.post(f"/ui/messages/{file_id}/reprocess", data={"csrf_token": token},
                           headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert response.status_code == 403
    wrong = client.post(f"/ui/messages/{file_id}/reprocess", data={"csrf_token": "x" * 32},
                        follow_redirects=False)
    assert wrong.status_code == 403 and "security token" in wrong.text


# --- the pages ----------------------------------------------------------------------------


def test_overview_counts_link_to_each_page(client, signed_in):
    response = client.get("/ui/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "<script" not in response.text  # plain HTML: reads without JavaScript
    html = response.text
    text = _text(html)
    assert re.search(r'id="count-at-risk">1<', html)
    assert re.search(r'id="count-recent">5<', html)
    assert re.search(r'id="count-alerts">1<', html)
    for href in ("/ui/promises", "/ui/messages", "/ui/demand", "/ui/customers", "/ui/alerts",
                 "/ui/jobs"):
        assert f'href="{href}' in html
    assert "Hub Operations" in text  # the uploader of the seeded files


def test_promises_put_at_risk_lines_first_with_their_reasons(client, signed_in):
    html = client.get("/ui/promises").text
    rows = re.findall(r'<tr class="row-([a-z_]+)">', html)
    assert rows[0] == "at_risk" and set(rows) >= {"at_risk", "shipped", "confirmed_changed"}
    text = _text(html)
    assert PO in text and "Northwind Distribution" in text and "2026-12-01" in text


def test_promises_filter_by_status_partner_and_due_window(client, signed_in, session):
    at_risk = _text(client.get("/ui/promises?status=at_risk").text)
    assert at_risk.count(PO) == 1
    late = client.get("/ui/promises?status=late").text
    assert "No order lines match" in late
    northwind = session.scalars(select(ApiKey)).first().partner_id  # any id: filter works
    assert client.get(f"/ui/promises?partner={northwind}").status_code == 200
    window = _text(client.get("/ui/promises?due_from=2026-12-03&due_to=2026-12-03").text)
    assert window.count(PO) == 1 and "2026-12-03" in window  # only line 3 is due then
    assert _text(client.get("/ui/promises?due_from=2027-01-01").text).count(PO) == 0


def test_a_line_page_shows_its_thread(client, signed_in):
    html = client.get("/ui/promises?status=confirmed_changed").text
    href = re.search(r'href="(/ui/promises/\d+/\d+)"', html).group(1)
    text = _text(client.get(href).text)
    assert f"{PO} · line 3" in text
    assert "Request" in text and "Promise versions" in text and "Shipments" in text
    assert "v1 changed 4 CA" in text and "2026-12-03" in text
    assert "Nothing shipped yet" in text
    missing = client.get(href.rsplit("/", 1)[0] + "/999999")
    assert missing.status_code == 404 and "has no line" in missing.text


def test_messages_list_every_upload_with_its_status(client, signed_in):
    html = client.get("/ui/messages").text
    assert len(re.findall(r'<tr class="row-', html)) == 5
    assert "row-rejected" in html and html.count("row-processed") == 4
    only = client.get("/ui/messages?status=rejected").text
    assert len(re.findall(r'<tr class="row-', only)) == 1


def test_an_issue_is_shown_at_its_segment_in_the_raw_text(client, signed_in):
    html = client.get(f"/ui/messages/{signed_in['ids']['bad']}").text
    row = re.search(r'<tr id="seg-(\d+)" class="has-issue">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = _text(row.group(2))
    # the 11th segment of the file (ISA, GS, then the message's 9th: PO1) holds the issue
    assert row.group(1) == "11" and cells.startswith("11 9 PO1*1*10*CA")
    assert "UP '012345678901' has no valid GTIN check digit" in cells
    assert html.count('class="has-issue"') == 1


def test_raw_and_acknowledgement_download(client, signed_in):
    file_id = signed_in["ids"]["bad"]
    raw = client.get(f"/ui/messages/{file_id}/raw")
    assert raw.content == _bad_850()
    assert raw.headers["content-disposition"] == f'attachment; filename="upload-{file_id}.x12"'
    ack = client.get(f"/ui/messages/{file_id}/ack?kind=997")
    assert ack.status_code == 200 and ack.text.startswith("ISA") and "AK5*R" in ack.text
    assert client.get("/ui/messages/999999/raw").status_code == 404


def test_downloads_need_a_session(client, hub):
    response = client.get(f"/ui/messages/{hub['ids']['bad']}/raw", follow_redirects=False)
    assert response.status_code == 303


def test_the_reprocess_button_runs_the_stored_bytes_again(client, signed_in):
    file_id = signed_in["ids"]["852-northwind-weekly-sdq.edi"]
    page = client.get(f"/ui/messages/{file_id}").text
    assert f'action="/ui/messages/{file_id}/reprocess"' in page
    response = client.post(f"/ui/messages/{file_id}/reprocess",
                           data={"csrf_token": _csrf(page)}, follow_redirects=False)
    assert response.status_code == 303
    shown = client.get(response.headers["location"]).text
    assert "Reprocessed: the upload is processed" in shown


def test_demand_charts_sell_through_and_inventory_beside_the_signal(client, signed_in):
    html = client.get("/ui/demand").text
    assert html.count("<svg") == 2
    assert "Units sold and received per week" in html and "On hand at the end" in html
    signal = _text(re.search(r'<aside class="signal".*?</aside>', html, re.S).group(0))
    for label in ("suggested quantity", "reorder point", "safety stock", "avg daily demand",
                  "lead time / review", "on hand"):
        assert label in signal
    options = dict((name, int(id_)) for id_, name in re.findall(
        r'<option value="(\d+)"[^>]*>([^<]+)</option>', html))
    stores = [name for name in options if name.startswith("Northwind Distribution · ")]
    assert len(stores) >= 2
    other = options[stores[-1]]
    page = client.get(f"/ui/demand?location={other}").text
    assert re.search(rf'<option value="{other}" selected>', page)
    assert f"at {stores[-1]}" in _text(page)
    products = re.findall(rf"/ui/demand\?product=(\d+)&amp;location={other}", page)
    assert products
    chosen = client.get(f"/ui/demand?product={products[-1]}&location={other}").text
    assert re.search(rf'<tr class="chosen">\s*<td><a href="/ui/demand\?product={products[-1]}&amp;'
                     rf'location={other}"', chosen)


def test_customers_by_value_with_abc_tier_and_a_customer_page(client, signed_in):
    html = client.get("/ui/customers").text
    row = re.search(r'<a href="/ui/customers/(\d+)">Northwind Distribution</a>(.*?)</tr>',
                    html, re.S)
    scored = client.get(f"/v1/customers/{row.group(1)}",
                        headers={"Authorization": f"Bearer {signed_in['ops']}"}).json()
    assert scored["abc_class"] and scored["tier"] and scored["segment"]
    cells = _text(row.group(2))
    assert f" {scored['abc_class']} {scored['segment']} {scored['tier']} " in cells
    page = _text(client.get(f"/ui/customers/{row.group(1)}").text)
    assert "Northwind Distribution" in page and "ZZ:NORTHWIND" in page
    assert "Timeline" in page and "order" in page and PO in page
    assert client.get("/ui/customers/999999").status_code == 404


def test_jobs_page_lists_runs(client, signed_in, session):
    session.add(JobRun(job_id="inbox", started_at=NOW, finished_at=NOW, outcome="ok",
                       error=None, detail={"ingested": ["northwind/po.edi"], "failed": [],
                                           "waiting": []}, host="ci"))
    session.commit()
    text = _text(client.get("/ui/jobs").text)
    assert "inbox" in text and "northwind/po.edi" in text and "ok" in text


def test_alerts_page_and_acknowledging_an_alert(client, signed_in):
    html = client.get("/ui/alerts").text
    assert "promise at risk" in _text(html) and PO in _text(html)
    action = re.search(r'action="(/ui/alerts/\d+/acknowledge)"', html).group(1)
    assert client.post(action, data={}, follow_redirects=False).status_code == 403
    done = client.post(action, data={"csrf_token": _csrf(html)}, follow_redirects=False)
    assert done.status_code == 303
    after = client.get(done.headers["location"]).text
    assert "acknowledged" in _text(after) and f'action="{action}"' not in after


def test_bad_query_parameters_render_an_error_page(client, signed_in):
    response = client.get("/ui/promises?due_from=yesterday")
    assert response.status_code == 422 and "<h1>422" in response.text
    assert client.get("/ui/messages?status=nonsense").status_code == 422


def test_the_stylesheet_is_served(client):
    response = client.get("/ui/static/ui.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")


def test_test_day_is_fixed(signed_in):
    assert datetime.now(UTC).date() == date(2026, 11, 30)


def test_a_configured_secret_keeps_sign_ins_across_processes(settings, sessions, hub):
    from fastapi.testclient import TestClient

    from app.main import create_app

    shared = settings.model_copy(update={"session_secret": SecretStr("s" * 32)})
    with TestClient(create_app(shared, sessions=sessions)) as first:
        assert sign_in(first, hub["ops"]).status_code == 303
        cookie = first.cookies.get("edihub_ui")
    with TestClient(create_app(shared, sessions=sessions), cookies={"edihub_ui": cookie}) as same:
        assert same.get("/ui/", follow_redirects=False).status_code == 200
    with TestClient(create_app(settings, sessions=sessions),
                    cookies={"edihub_ui": cookie}) as other:  # a random secret of its own
        assert other.get("/ui/", follow_redirects=False).status_code == 303

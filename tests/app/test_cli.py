"""The `edihub` command, run as a user runs it, against a real store on each backend."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from app.cli import app as cli

CORPUS = Path(__file__).parents[1] / "samples" / "corpus"
SAMPLE = Path(__file__).parents[1] / "samples" / "golden" / "x12" / "850-northwind-original.edi"
runner = CliRunner()


def run(*args: str):
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    return result


def test_partner_add_prints_a_key_that_opens_the_api(fresh_store_url):
    store_url = fresh_store_url
    result = run("partner", "add", "--name", "Northwind", "--role", "distributor",
                 "--id", "ZZ:NORTHWIND", "--id", "GLN:0614141000012",
                 "--database-url", store_url)
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("edh_")
    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.settings import Settings

    with TestClient(create_app(Settings(database_url=store_url))) as client:
        response = client.post("/v1/interchanges", content=SAMPLE.read_bytes(),
                               headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 201, response.text
    listed = run("partner", "list", "--database-url", store_url)
    assert "northwind" in listed.output and "GLN:0614141000012" in listed.output


def test_partner_add_refuses_a_bad_gln(fresh_store_url):
    result = run("partner", "add", "--name", "X", "--role", "distributor",
                 "--id", "GLN:0614141000013", "--database-url", fresh_store_url)
    assert result.exit_code == 2
    assert "check digit" in result.output


def test_ingest_runs_the_upload_pipeline(fresh_store_url):
    result = run("ingest", str(SAMPLE), str(CORPUS / "x12" / "badx12__bad_file.edi"),
                 "--database-url", fresh_store_url)
    assert result.exit_code == 1  # one of the two files could not be read
    assert "processed" in result.output and "failed" in result.output


def test_inspect_prints_structure_and_located_issues_as_json() -> None:
    result = run("inspect", str(CORPUS / "x12" / "badx12__error_validation.edi"), "--json")
    assert result.exit_code == 1  # the file has errors
    report = json.loads(result.output)
    assert report["standard"] == "x12"
    [interchange] = report["interchanges"]
    assert interchange["control_number"] == "000010216"
    codes = {(i["scope"], i["code"]) for i in interchange["issues"]}
    assert ("interchange", "001") in codes  # ISA13 != IEA02
    message = interchange["groups"][0]["messages"][0]
    assert message["type"] == "835"
    issue = next(i for i in message["issues"] if i["location"].get("segment_tag") == "SE")
    assert issue["location"]["segment_number"] == 27


def test_inspect_valid_file_exits_zero() -> None:
    result = run("inspect", str(SAMPLE))
    assert result.exit_code == 0, result.output
    assert "850 0001 (18 segments)" in result.output
    assert "no issues" in result.output


def test_inspect_unreadable_file_names_the_problem() -> None:
    result = run("inspect", str(CORPUS / "x12" / "badx12__bad_file.edi"))
    assert result.exit_code == 1
    assert "not-edi" in result.output


def test_ingest_refuses_an_empty_file_by_name(fresh_store_url, tmp_path):
    blank = tmp_path / "blank.edi"
    blank.write_bytes(b"\n")
    result = run("ingest", str(blank), "--database-url", fresh_store_url)
    assert result.exit_code == 1
    assert "refused" in result.output and "empty" in result.output

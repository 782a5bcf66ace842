"""Schema-driven fuzzing of the whole API (schemathesis over the OpenAPI document).

Every operation gets schema-valid and schema-invalid requests (wrong types, unknown
fields and parameters, strings that are no dates, missing bodies) as an admin and as a
watch officer, on a private copy of the test data directory; the answers must never be a
5xx, must have a documented status and content type, must conform to the documented
schema, and requests the schema forbids must be refused. What schemathesis does not make
(bodies that are not JSON, bodies over the limit) is sent to every operation with a body.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from pantau.api.app import OPENAPI_URL, create_app
from pantau.api.routes._write import MAX_BODY
from pantau.api.routes.config import MAX_CONFIG_BODY
from tests.api.conftest import Served

#: examples per operation: the admin reaches every code path, the watch officer is there
#: for the answers of a role that may read but not change everything (403s, and the
#: same reads); together about a minute on two cores
EXAMPLES = {"admin": 15, "watch_officer": 6}


@pytest.fixture(scope="module")
def fuzzed_app(served: Served, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    # a private copy: the fuzzer opens incidents and acknowledges alerts
    data = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(served.data_dir, data)
    return create_app(data)


@pytest.fixture(scope="module")
def api_schema(fuzzed_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi(OPENAPI_URL, fuzzed_app)


def _fuzz(operation: Any, auth: dict[str, str], examples: int) -> None:
    """Schema-valid and schema-invalid cases for one operation, each sent and checked."""
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE, headers=auth),
                      operation.as_strategy(GenerationMode.NEGATIVE, headers=auth))

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(cases)
    def run(case: Any) -> None:
        # not checked: that every schema-valid request is accepted. Some rules span fields
        # (since before until; bbox min not over max; alert_ids, or title and severity)
        # and OpenAPI cannot state them, so a valid-looking request may rightly be a 422.
        case.call_and_validate(headers=auth, excluded_checks=[positive_data_acceptance])

    run()


@pytest.mark.parametrize("role", ["admin", "watch_officer"])
def test_no_operation_fails_or_breaks_its_schema(api_schema: Any, served: Served,
                                                 role: str) -> None:
    """The API as one role sees it: the admin may do everything, the watch officer is
    refused some changes (403), which must be as well-formed as any other answer."""
    failed: dict[str, str] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        try:
            _fuzz(operation, served.auth(role), EXAMPLES[role])
        except (Exception, BaseExceptionGroup) as e:  # schemathesis's come with a curl line
            failed[operation.label] = f"{type(e).__name__}: {e}"
    assert not failed, "\n\n".join(f"{label}:\n{why}" for label, why in failed.items())


CONFIG_PATHS = {"/api/zones", "/api/watchlist", "/api/rules"}


def _body_operations(app: FastAPI) -> list[tuple[str, str]]:
    with TestClient(app) as client:
        document = client.get(OPENAPI_URL).json()
    return [(method.upper(), path) for path, item in document["paths"].items()
            for method, op in item.items() if "requestBody" in op]


def _concrete(path: str) -> str:
    # ids that match each path parameter's pattern, so the body is what gets judged
    return (path.replace("{incident_id}", "inc-" + "0" * 20)
            .replace("{alert_id}", "0" * 24))


@pytest.fixture(scope="module")
def client(fuzzed_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(fuzzed_app) as c:
        yield c


def test_bodies_that_are_not_json_or_too_large_are_4xx(fuzzed_app: FastAPI,
                                                        client: TestClient,
                                                        served: Served) -> None:
    operations = _body_operations(fuzzed_app)
    assert len(operations) >= 8  # incidents' changes at least; more as routes are added
    bad: dict[str, tuple[bytes, str]] = {
        "truncated JSON": (b'{"title": "x", "severity": ', "application/json"),
        "not UTF-8": (b'{"title": "\xff\xfe"}', "application/json"),
        "a JSON string": (b'"hello"', "application/json"),
        "a JSON array": (b"[1, 2]", "application/json"),
        "NaN": (b'{"mmsi": NaN}', "application/json"),
        "form data": (b"title=x&severity=high", "application/x-www-form-urlencoded"),
    }
    for method, path in operations:
        # past the route's own limit: a zones file may be far larger than a note
        limit = MAX_CONFIG_BODY if path in CONFIG_PATHS else MAX_BODY
        bad["oversized"] = (json.dumps({"text": "x" * (limit + 10)}).encode(),
                            "application/json")
        for what, (body, content_type) in bad.items():
            r = client.request(method, _concrete(path), content=body,
                               headers=served.auth("admin") | {"Content-Type": content_type})
            assert 400 <= r.status_code < 500, (method, path, what, r.status_code, r.text)
            assert r.json()["detail"], (method, path, what)
            if what == "oversized":
                assert r.status_code == 413, (method, path, r.text)


def test_an_oversized_body_without_a_length_is_413(client: TestClient,
                                                   served: Served) -> None:
    def chunks() -> Iterator[bytes]:  # streamed: no Content-Length to refuse it by
        yield b'{"text": "'
        for _ in range(MAX_BODY // 1024 + 2):
            yield b"x" * 1024
        yield b'"}'

    r = client.post("/api/incidents", content=chunks(),
                    headers=served.auth("admin") | {"Content-Type": "application/json"})
    assert r.status_code == 413, r.text

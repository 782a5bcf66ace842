"""`pantau users`: the token is the last line, and it works against the API."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pantau.api.app import create_app
from pantau.cli.main import app
from pantau.store.embedded import EmbeddedStore

runner = CliRunner()


def _users(*args: str, data: Path, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["users", *args, "--data-dir", str(data)], input=stdin)
    return result.exit_code, result.output


def test_add_prints_a_token_last_that_the_api_accepts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, out = _users("add", "aisyah", "--role", "watch_officer", data=data)
    assert code == 0, out
    token = out.rstrip("\n").splitlines()[-1]
    assert "." in token and " " not in token and len(token) > 40
    with TestClient(create_app(data)) as client:
        ok = client.get("/api/zones", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        code, out = _users("revoke", "aisyah", data=data)
        assert code == 0 and "revoked 1 token" in out
        gone = client.get("/api/zones", headers={"Authorization": f"Bearer {token}"})
        assert gone.status_code == 401
        code, out = _users("token", "aisyah", data=data)
        fresh = out.rstrip("\n").splitlines()[-1]
        assert fresh != token
        assert client.get("/api/zones", headers={"Authorization": f"Bearer {fresh}"}
                          ).status_code == 200


def test_password_from_stdin_is_kept_as_an_argon2_hash(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, out = _users("add", "ravi", "--role", "auditor", "--password-stdin", data=data,
                       stdin="s3cret pass\n")
    assert code == 0, out
    with EmbeddedStore(data, read_only=True) as store:
        stored = store.select("users", {"name": "ravi"})["password_hash"][0].as_py()
    assert stored.startswith("$argon2id$") and "s3cret" not in stored
    code, out = _users("add", "empty", "--role", "auditor", "--password-stdin", data=data,
                       stdin="\n")
    assert code == 2 and "no password" in out


def test_list_shows_roles_and_live_tokens(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _users("add", "amir", "--role", "analyst", data=data)
    _users("token", "amir", data=data)
    _users("add", "siti", "--role", "admin", data=data)
    code, out = _users("list", "--json", data=data)
    assert code == 0
    listed = json.loads(out)
    assert [(u["name"], u["role"], u["active_tokens"]) for u in listed] == [
        ("amir", "analyst", 2), ("siti", "admin", 1)]
    assert "amir" in _users("list", data=data)[1]


def test_mistakes_exit_2_with_a_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _users("add", "amir", "--role", "analyst", data=data)[0] == 0
    for args, message in [
        (("add", "amir", "--role", "analyst"), "exists already"),
        (("add", "nadia", "--role", "captain"), "unknown role"),
        (("add", "Nadia Binti", "--role", "analyst"), "bad user name"),
        (("token", "ghost"), "no user"),
        (("revoke", "ghost"), "no user"),
    ]:
        code, out = _users(*args, data=data)
        assert code == 2 and message in out, (args, out)
    code, out = _users("list", data=tmp_path / "empty")
    assert code == 2 and "no pantau data" in out

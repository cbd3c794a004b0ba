"""``newsingest local up`` / ``down`` and the README's local quickstart, run as a user would type it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _quickstart_lines() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- local-quickstart:[^>]*-->\s*```bash\n(.*?)```\s*<!-- /local-quickstart -->", readme,
                      re.DOTALL)
    assert block, "README.md has no local quickstart block"
    return [line for line in block.group(1).splitlines() if line.strip()]


@pytest.mark.slow
def test_the_readme_local_quickstart_works_as_written(tmp_path: Path) -> None:
    # Given the README's local quickstart, with the venv this test runs in (activated as the README says) and a
    # state file and port of the test's own
    lines = _quickstart_lines()
    assert lines[0] == "source .venv/bin/activate"
    script = "\n".join(["set -euo pipefail", f"source {BIN / 'activate'}" if (BIN / "activate").exists()
                        else f"export PATH={BIN}:$PATH", *lines[1:]])
    env = {key: value for key, value in os.environ.items()  # COLUMNS too: pytest sets it, tables would fit it
           if not key.startswith(("AWS_", "NEWSINGEST_", "ARTICLES_", "FETCH_")) and key not in ("COLUMNS", "LINES")}
    env |= {"NEWSINGEST_LOCAL_STATE": str(tmp_path / "local.json"), "NEWSINGEST_LOCAL_PORT": "0"}

    # When it runs in bash from the repository, line by line
    try:
        done = subprocess.run(["bash", "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=300)
    finally:  # never leave a server behind, whatever failed
        subprocess.run([str(BIN / "newsingest"), "local", "down"], env=env, capture_output=True, timeout=60)

    # Then every command succeeds: the article is stored, queried by domain and its text read back; the listing
    # page is a recorded failure; down stops the server
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "queued 2 URL(s)" in out
    assert "2 done (1 ok, 1 failed), 0 left for retry" in out
    assert "Esper calls on South Korea, Japan" in out  # the query's table
    assert "U.S. Defense Secretary Mark Esper on Thursday called on South Korea and Japan" in out  # get --text
    assert "stopped moto's server at http://127.0.0.1:" in out
    assert not (tmp_path / "local.json").exists()


def test_down_and_status_without_a_running_endpoint(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsingest_tools.cli import main

    state = str(tmp_path / "none.json")
    runner = CliRunner()
    down = runner.invoke(main, ["local", "down", "--state-file", state])
    status = runner.invoke(main, ["local", "status", "--state-file", state])
    assert (down.exit_code, down.output.strip()) == (0, "no local endpoint is running")
    assert status.exit_code == 1
    assert status.stderr.strip() == "error: no local endpoint is running (hint: start one with `newsingest local up`)"


def test_a_stale_state_file_is_not_a_running_endpoint(tmp_path: Path) -> None:
    # Given a state file left by an endpoint whose process is gone
    from newsingest_tools.local.server import LocalEndpoint, read_state

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    state = tmp_path / "local.json"
    state.write_text(LocalEndpoint(pid=gone.pid, endpoint="http://127.0.0.1:1", stack="s", queue_url="q",
                                   dead_letter_queue_url="d", table_name="t", bucket_name="b",
                                   origin="http://127.0.0.1:2").to_json(), encoding="utf-8")
    # When read / Then it is no endpoint, and the stale record is removed
    assert read_state(state) is None
    assert not state.exists()

"""make/sam.mk and samconfig.toml: the targets work where their tools exist and fail with one clear line where not."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SAM_MK = REPO_ROOT / "make" / "sam.mk"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _make(*args: str, path: str = "/usr/bin:/bin") -> subprocess.CompletedProcess[str]:
    """Run a target of make/sam.mk alone, with a PATH that has no sam, no docker and no python3.13."""
    environment = {"PATH": path, "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    return subprocess.run(
        ["make", "--no-print-directory", "-f", str(SAM_MK), *args],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _python313_on(path: str) -> bool:
    return subprocess.run(["sh", "-c", "python3.13 --version"], env={"PATH": path}, capture_output=True,
                          check=False).returncode == 0


def test_lint_runs_cfn_lint_on_the_template() -> None:
    # When `make lint` runs with the project's virtualenv
    result = _make("lint", f"CFN_LINT={Path(sys.executable).with_name('cfn-lint')}")
    # Then cfn-lint checked template.yaml and found nothing
    assert result.returncode == 0, result.stdout + result.stderr
    assert "template.yaml" in result.stdout


def test_lint_without_cfn_lint_says_how_to_get_it() -> None:
    result = _make("lint", "CFN_LINT=", "VENV=/nonexistent")
    assert result.returncode != 0
    assert "make lint: cfn-lint not found" in result.stderr


def test_build_without_sam_cli_fails_with_one_clear_line() -> None:
    # Given no SAM CLI on PATH nor in .venv-sam
    result = _make("build", "SAM=")
    # Then make build stops before doing anything, naming what is missing and how to get it
    assert result.returncode != 0
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("make build:")]
    assert "SAM CLI not found" in line and "make sam-venv" in line


def test_build_without_python313_says_sam_build_needs_it() -> None:
    # Given a SAM CLI (a stand-in) but no python3.13 interpreter on PATH
    if _python313_on("/usr/bin:/bin"):
        pytest.skip("python3.13 is on the system PATH here")
    result = _make("build", "SAM=/bin/true")
    # Then the message says why sam build cannot run
    assert result.returncode != 0
    assert "needs a python3.13 interpreter" in result.stderr and "--use-container" in result.stderr


def test_build_in_a_container_needs_a_running_docker(tmp_path: Path) -> None:
    # Given a docker command that cannot reach a daemon
    fake = tmp_path / "docker"
    fake.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    result = _make("build", "SAM=/bin/true", "SAM_BUILD_FLAGS=--use-container", path=f"{tmp_path}:/usr/bin:/bin")
    assert result.returncode != 0
    assert "needs a running Docker" in result.stderr


def test_build_runs_sam_build_when_the_tools_are_there(tmp_path: Path) -> None:
    # Given stand-ins for sam and python3.13 that record how they were called
    log = tmp_path / "calls"
    for name in ("sam", "python3.13"):
        tool = tmp_path / name
        tool.write_text(f'#!/bin/sh\necho "{name} $*" >> {log}\n', encoding="utf-8")
        tool.chmod(0o755)
    # When make build runs
    result = _make("build", f"SAM={tmp_path / 'sam'}", path=f"{tmp_path}:/usr/bin:/bin")
    # Then it checked python3.13 and ran sam build
    assert result.returncode == 0, result.stderr
    assert log.read_text(encoding="utf-8").splitlines() == ["python3.13 --version", "sam build"]


def test_deploy_is_guided_when_the_stack_does_not_exist_yet(tmp_path: Path) -> None:
    # Given a sam stand-in for which `sam list stack-outputs` fails (no stack yet)
    log = tmp_path / "calls"
    sam = tmp_path / "sam"
    sam.write_text(f'#!/bin/sh\necho "sam $*" >> {log}\n[ "$1" = list ] && exit 1\nexit 0\n', encoding="utf-8")
    sam.chmod(0o755)
    (tmp_path / "python3.13").symlink_to("/bin/true")
    # When make deploy runs
    result = _make("deploy", f"SAM={sam}", path=f"{tmp_path}:/usr/bin:/bin")
    # Then it built, looked the stack up and deployed guided
    assert result.returncode == 0, result.stderr
    calls = log.read_text(encoding="utf-8").splitlines()
    assert calls[0] == "sam build"
    assert calls[1].startswith("sam list stack-outputs --stack-name newsingest")
    assert calls[2].startswith("sam deploy --guided --stack-name newsingest")


def test_deploy_uses_samconfig_once_the_stack_exists(tmp_path: Path) -> None:
    log = tmp_path / "calls"
    sam = tmp_path / "sam"
    sam.write_text(f'#!/bin/sh\necho "sam $*" >> {log}\nexit 0\n', encoding="utf-8")
    sam.chmod(0o755)
    (tmp_path / "python3.13").symlink_to("/bin/true")
    result = _make("deploy", f"SAM={sam}", "REGION=eu-west-1", path=f"{tmp_path}:/usr/bin:/bin")
    assert result.returncode == 0, result.stderr
    assert log.read_text(encoding="utf-8").splitlines()[-1] == "sam deploy --stack-name newsingest --region eu-west-1"


def test_validate_uses_sam_cli_from_its_own_virtualenv() -> None:
    # When `make validate` is dry-run with its venv already present
    result = _make("-n", "validate", "SAM_VENV=/opt/sam-venv", "-o", "/opt/sam-venv/bin/sam")
    # Then it runs sam validate --lint from that venv
    assert result.returncode == 0, result.stderr
    assert "/opt/sam-venv/bin/sam validate --lint --template template.yaml --region us-east-1" in result.stdout


def test_samconfig_holds_the_deploy_defaults() -> None:
    config = tomllib.loads((REPO_ROOT / "samconfig.toml").read_text(encoding="utf-8"))
    deploy = config["default"]["deploy"]["parameters"]
    assert deploy["stack_name"] == "newsingest"
    assert deploy["capabilities"] == "CAPABILITY_IAM"
    assert deploy["resolve_s3"] is True and deploy["confirm_changeset"] is True
    assert deploy["region"]
    assert (REPO_ROOT / config["default"]["local_invoke"]["parameters"]["env_vars"]).is_file()


def test_sam_targets_run_sam_cli_with_telemetry_off(tmp_path: Path) -> None:
    # Given a stand-in SAM CLI in .venv-sam that prints the telemetry setting it was started with
    fake = tmp_path / "bin" / "sam"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\necho "telemetry=${SAM_CLI_TELEMETRY-unset}"\n', encoding="utf-8")
    fake.chmod(0o755)
    # When `make validate` runs it (and when a user opts in)
    quiet = _make("validate", f"SAM_VENV={tmp_path}")
    opted_in = _make("validate", f"SAM_VENV={tmp_path}", "SAM_CLI_TELEMETRY=1")
    # Then SAM CLI sees telemetry off (no banner), unless asked otherwise
    assert quiet.returncode == 0, quiet.stderr
    assert "telemetry=0" in quiet.stdout
    assert "telemetry=1" in opted_in.stdout

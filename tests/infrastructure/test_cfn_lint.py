"""cfn-lint on template.yaml as written and after the offline SAM transform.

The source form is checked against cfn-lint's SAM schemas; the transformed form is plain CloudFormation and is
where runtime, batch-size and IAM mistakes inside SAM-generated resources surface.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint

from newsingest_tools.local import stack

# The function's role is declared in the template (no SAM policy templates): cfn-lint must accept every action.
SAM_POLICY_TEMPLATE_ACTIONS: set[str] = set()


def _cfn_lint_executable() -> str:
    candidate = Path(sys.executable).with_name("cfn-lint")
    found = str(candidate) if candidate.exists() else shutil.which("cfn-lint")
    if not found:
        pytest.fail("cfn-lint is not installed (pip install -e '.[dev]')")
    return found


def _findings(template: dict[str, Any], *, informational: bool = False) -> list[Any]:
    config = ManualArgs(regions=["us-east-1"], include_checks=["I"] if informational else [])
    return lint(json.dumps(template, indent=1), config=config)


def _describe(matches: list[Any]) -> str:
    return "\n".join(f"{m.rule.id} {m.message} (line {m.linenumber})" for m in matches)


def _not_from_sam_policy_templates(matches: list[Any]) -> list[Any]:
    return [
        m
        for m in matches
        if not (m.rule.id == "W3037" and any(f"'{action}'" in m.message for action in SAM_POLICY_TEMPLATE_ACTIONS))
    ]


def test_template_as_written_passes_cfn_lint_including_informational_checks(template_path: Path) -> None:
    # Given the template as a user deploys it
    # When cfn-lint checks it exactly as `make lint` does, informational rules included
    result = subprocess.run(
        [_cfn_lint_executable(), "--include-checks", "I", "--", str(template_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    # Then it reports nothing
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_transformed_template_passes_cfn_lint(transformed: dict[str, Any]) -> None:
    # Given the template after the SAM transform (plain CloudFormation, as CloudFormation itself will see it)
    # When cfn-lint checks it, informational rules included
    findings = _findings(transformed, informational=True)
    # Then it reports nothing (the role's actions are all ones IAM knows)
    assert _not_from_sam_policy_templates(findings) == [], _describe(findings)
    assert findings == [], _describe(findings)


def test_linting_the_transformed_form_catches_errors_the_source_form_hides(sam_template: dict[str, Any],
                                                                           tmp_path: Path) -> None:
    # Given a broken copy of the template: an unknown runtime and an SQS batch size above the maximum
    function = sam_template["Resources"][stack.FUNCTION_LOGICAL_ID]["Properties"]
    function["Runtime"] = "python2.5"
    function["Events"]["ArticlesQueueEvent"]["Properties"]["BatchSize"] = 100_000
    broken = tmp_path / "template.yaml"
    broken.write_text(json.dumps(sam_template), encoding="utf-8")
    # When it is transformed and linted
    findings = _findings(stack.transform_template(broken))
    # Then cfn-lint rejects both in the generated resources
    report = _describe(findings)
    assert "python2.5" in report, report
    assert "100000" in report, report

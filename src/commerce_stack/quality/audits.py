"""Blocking SQLMesh audits that stopped a plan, recorded as gate results like any check."""

from __future__ import annotations

from commerce_stack.environments import relation
from commerce_stack.quality.gate import CheckResult
from commerce_stack.transform.project import AuditFailure


def audit_checks(failures: list[AuditFailure], environment: str) -> list[CheckResult]:
    """One failed, blocking result per audit, with the audit's query as reproduce SQL."""
    return [
        CheckResult(
            check_id=f"sqlmesh_audit:{audit.model}:{audit.audit}",
            suite=audit.model,
            table=relation(environment, audit.model),
            expectation=audit.audit,
            column=None,
            severity="block",
            owner=audit.owner,
            success=False,
            description=f"SQLMesh audit {audit.audit} found {audit.count} offending rows.",
            unexpected_count=audit.count,
            reproduce_sql=audit.sql,
            check_source="sqlmesh_audit",
        )
        for audit in failures
    ]

"""The whole pipeline on the embedded default, as `make run` runs it.

    local APIs -> Airbyte sync (PyAirbyte) -> pin loads -> sqlmesh plan <candidate>
               -> gate on <candidate> -> sqlmesh plan prod (only if the gate passed) -> report

Modules, in the order a run uses them: `local_apis` (simulators for the sources not configured
elsewhere), `ingest` (the sync, in the PyAirbyte environment), `release` (plan, gate, promote, or
"nothing new"), `publish` (the stewards' report and digest), `summary` (what a run did), `run`.
"""


class PipelineError(RuntimeError):
    """A step failed; the message names the step and what to do."""

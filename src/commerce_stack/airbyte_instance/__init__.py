"""`commerce-stack airbyte plan|apply`: make an Airbyte instance match `airbyte_config/`.

This side (the root environment) reads and checks the declarations, asks the connectors for their
spec and catalog (`catalogs`), converts schedules to UTC (`schedule`) and builds the desired state
(`desired`); the `airbyte-api` SDK's environment (`airbyte_platform/`) compares it with the
instance and changes the instance. They meet at a process boundary: the desired state goes as JSON
on the child's standard input, the instance's credentials in its environment (`command`).
"""


class AirbyteInstanceError(RuntimeError):
    """`commerce-stack airbyte` could not finish; the message says what failed and what to do."""

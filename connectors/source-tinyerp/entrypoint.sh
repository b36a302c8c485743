#!/bin/sh
# The image's entry point (AIRBYTE_ENTRYPOINT): the connector's console script with Airbyte's
# arguments (spec, check, discover, read).
exec source-tinyerp "$@"

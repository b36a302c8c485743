"""`make bench`: the pipeline's costs beside floors measured in the same run (see __main__.py)."""

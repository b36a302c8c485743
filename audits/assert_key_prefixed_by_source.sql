AUDIT (
  name assert_key_prefixed_by_source
);

/* Rows whose conformed key does not start with '<source>:', so keys from different sources could collide. */
SELECT
  @key_column,
  source
FROM @this_model
WHERE
  NOT STARTS_WITH(@key_column, CONCAT(source, ':'))
  OR @key_column IS NULL
  OR source IS NULL

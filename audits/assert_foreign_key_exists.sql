AUDIT (
  name assert_foreign_key_exists
);

/* One row per value of @key_column that names no row of @parent_model (by @parent_key); a NULL key names nothing and is left to not_null. The parent model must be upstream of the audited one (read in its query, or in depends_on): SQLMesh points an audit only at its model's parents' tables of the same plan. */
SELECT
  child.@key_column AS missing_key,
  COUNT(*) AS rows_with_key
FROM @this_model AS child
LEFT JOIN @parent_model AS parent
  ON child.@key_column = parent.@parent_key
WHERE
  NOT child.@key_column IS NULL AND parent.@parent_key IS NULL
GROUP BY
  child.@key_column

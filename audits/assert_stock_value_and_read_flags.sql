AUDIT (
  name assert_stock_value_and_read_flags
);

/* Stock rows whose value is not stock_level x unit_cost to the cent, and products whose reads in a location do not have exactly one current row, or exactly one last-of-day row per day. */
WITH per_day AS (
  SELECT
    product_key,
    location_key,
    snapshot_date,
    SUM(CASE WHEN is_last_of_day THEN 1 ELSE 0 END) AS last_of_day_rows,
    SUM(CASE WHEN is_current THEN 1 ELSE 0 END) AS current_rows_of_day
  FROM @this_model
  GROUP BY
    product_key,
    location_key,
    snapshot_date
), flags AS (
  SELECT
    product_key,
    location_key,
    snapshot_date,
    last_of_day_rows,
    SUM(current_rows_of_day) OVER (PARTITION BY product_key, location_key) AS current_rows
  FROM per_day
)
SELECT
  snapshot_key AS problem_key,
  'stock_value is not stock_level x unit_cost' AS problem
FROM @this_model
WHERE
  ABS(stock_value - stock_level * unit_cost) > 0.01
UNION ALL
SELECT
  CONCAT(product_key, ' @ ', location_key, ' on ', snapshot_date::STRING) AS problem_key,
  'not exactly one current read and one last read of the day' AS problem
FROM flags
WHERE
  last_of_day_rows <> 1 OR current_rows <> 1

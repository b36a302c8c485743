/* Order items, the analytics fact of what was sold: one row per order line of every source (marts.order_lines; a thelook line is one unit), with its order's status, partitioned by order day and clustered by product. Incremental by order_date, the last day built again (lookback). */
MODEL (
  name marts.fct_order_items,
  kind INCREMENTAL_BY_TIME_RANGE (
    time_column order_date,
    lookback 1
  ),
  owner analytics_engineering,
  cron '@daily',
  grain order_line_key,
  partitioned_by order_date,
  clustered_by product_key,
  columns (
    order_line_key STRING,
    order_key STRING,
    source STRING,
    line_number INT64,
    product_key STRING,
    order_status STRING,
    is_cancelled BOOL,
    quantity NUMERIC(18, 3),
    unit_price NUMERIC(18, 2),
    line_amount NUMERIC(18, 2),
    discount_amount NUMERIC(18, 2),
    tax_amount NUMERIC(18, 2),
    currency_code STRING,
    order_date DATE
  ),
  depends_on (
    marts.products
  ),
  tags (marts, facts),
  audits (
    not_null(columns := [order_line_key, order_key, source, product_key, order_date]),
    unique_values(columns := [order_line_key]),
    assert_key_prefixed_by_source(key_column := order_line_key),
    assert_foreign_key_exists(
      key_column := product_key,
      parent_model := marts.products,
      parent_key := product_key,
      blocking := FALSE
    ),
    accepted_range_non_blocking(column := quantity, min_v := 0)
  )
);

SELECT
  lines.order_line_key::STRING AS order_line_key, /* Source-prefixed line key (marts.order_lines) */
  lines.order_key::STRING AS order_key, /* The order (marts.fct_order_headers) */
  lines.source::STRING AS source, /* Source system the line comes from */
  lines.line_number::INT64 AS line_number, /* 1-based position of the line in its order */
  lines.product_key::STRING AS product_key, /* The product (marts.products): the clustering column */
  orders.order_status::STRING AS order_status, /* The order's status */
  orders.is_cancelled::BOOL AS is_cancelled, /* The order was cancelled */
  lines.quantity::NUMERIC(18, 3) AS quantity, /* Units; 1 for thelook, whose lines are units */
  lines.unit_price::NUMERIC(18, 2) AS unit_price, /* Price per unit */
  lines.line_amount::NUMERIC(18, 2) AS line_amount, /* quantity x unit_price, ex tax, before discount */
  lines.discount_amount::NUMERIC(18, 2) AS discount_amount, /* Discount on the line */
  lines.tax_amount::NUMERIC(18, 2) AS tax_amount, /* Tax on the line */
  lines.currency_code::STRING AS currency_code, /* ISO 4217 currency of the amounts */
  lines.order_date::DATE AS order_date /* Day the order was placed: the partition */
FROM marts.order_lines AS lines
LEFT JOIN marts.orders AS orders
  ON lines.order_key = orders.order_key
WHERE
  lines.order_date BETWEEN @start_ds AND @end_ds

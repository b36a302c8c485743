/* Orders wide, header and items in one table: one row per order line with its order's header columns repeated, and one row (line_number 0, line columns NULL) for an order without lines; clustered by customer and order, partitioned by order day. Built from fct_order_headers and fct_order_items for the same days, incremental by order_date with the last day built again (lookback). */
MODEL (
  name marts.fct_orders,
  kind INCREMENTAL_BY_TIME_RANGE (
    time_column order_date,
    lookback 1
  ),
  owner analytics_engineering,
  cron '@daily',
  grain order_row_key,
  partitioned_by order_date,
  clustered_by (customer_key, order_key),
  columns (
    order_row_key STRING,
    order_key STRING,
    source STRING,
    customer_key STRING,
    channel_key STRING,
    order_status STRING,
    is_cancelled BOOL,
    ordered_at TIMESTAMP,
    order_date DATE,
    shipping_country STRING,
    currency_code STRING,
    items_amount NUMERIC(18, 2),
    order_total NUMERIC(18, 2),
    net_amount NUMERIC(18, 2),
    line_number INT64,
    order_line_key STRING,
    product_key STRING,
    quantity NUMERIC(18, 3),
    unit_price NUMERIC(18, 2),
    line_amount NUMERIC(18, 2)
  ),
  tags (marts, facts),
  audits (
    not_null(columns := [order_row_key, order_key, source, order_date, line_number]),
    unique_values(columns := [order_row_key]),
    assert_key_prefixed_by_source(key_column := order_row_key),
    assert_order_lines_add_up_within_a_cent
  )
);

SELECT
  COALESCE(items.order_line_key, CONCAT(headers.order_key, ':0'))::STRING AS order_row_key, /* The line's key, or <order key>:0 for an order without lines */
  headers.order_key::STRING AS order_key, /* The order (marts.fct_order_headers): a clustering column */
  headers.source::STRING AS source, /* Source system the row comes from */
  headers.customer_key::STRING AS customer_key, /* The ordering customer: the first clustering column */
  headers.channel_key::STRING AS channel_key, /* The sales channel (marts.channels) */
  headers.order_status::STRING AS order_status, /* The order's status */
  headers.is_cancelled::BOOL AS is_cancelled, /* The order was cancelled */
  headers.ordered_at::TIMESTAMP AS ordered_at, /* When the order was placed (UTC) */
  headers.order_date::DATE AS order_date, /* Day the order was placed: the partition */
  headers.shipping_country::STRING AS shipping_country, /* ISO country the order ships to (its customer's) */
  headers.currency_code::STRING AS currency_code, /* ISO 4217 currency of every amount of the row */
  headers.items_amount::NUMERIC(18, 2) AS items_amount, /* The order's items value, repeated on each of its rows */
  headers.order_total::NUMERIC(18, 2) AS order_total, /* The order's total, repeated on each of its rows (do not sum across lines) */
  headers.net_amount::NUMERIC(18, 2) AS net_amount, /* What the seller keeps of the order, repeated on each of its rows */
  COALESCE(items.line_number, 0)::INT64 AS line_number, /* The line's position in its order; 0 for an order without lines */
  items.order_line_key::STRING AS order_line_key, /* The line (marts.fct_order_items); NULL for an order without lines */
  items.product_key::STRING AS product_key, /* The line's product */
  items.quantity::NUMERIC(18, 3) AS quantity, /* Units on the line */
  items.unit_price::NUMERIC(18, 2) AS unit_price, /* Price per unit */
  items.line_amount::NUMERIC(18, 2) AS line_amount /* quantity x unit_price: an order's lines add up to its items_amount */
FROM marts.fct_order_headers AS headers
LEFT JOIN marts.fct_order_items AS items
  ON (
    headers.order_key = items.order_key
    AND items.order_date BETWEEN @start_ds AND @end_ds
  )
WHERE
  headers.order_date BETWEEN @start_ds AND @end_ds

/* Conformed orders: one row per order per source, keyed by a source-prefixed key so sources never collide. A FakeStore cart is a webshop order; its amounts are the sums of its lines in marts.order_lines. */
MODEL (
  name marts.orders,
  kind FULL,
  owner analytics_engineering,
  cron '@daily',
  grain order_key,
  tags (marts, conformed),
  audits (
    not_null(columns := [order_key, source, source_order_id, items_amount, order_total]),
    unique_values(columns := [order_key]),
    assert_key_prefixed_by_source(key_column := order_key),
    assert_order_total_equals_sum_of_lines,
    not_null_non_blocking(columns := [customer_key, ordered_at]),
    accepted_range_non_blocking(column := order_total, min_v := 0)
  )
);

WITH carts AS (
  SELECT
    cart_id,
    user_id,
    ordered_at,
    extracted_at
  FROM staging.stg_fakestore__carts
), line_totals AS (
  SELECT
    source_order_id,
    COUNT(*) AS line_count,
    SUM(quantity) AS item_quantity,
    SUM(line_amount) AS items_amount
  FROM marts.order_lines
  WHERE
    source = 'fakestore'
  GROUP BY
    source_order_id
), amounts AS (
  /* LEFT JOIN: a cart without lines is still an order, with zero amounts. */
  SELECT
    carts.cart_id,
    carts.user_id,
    carts.ordered_at,
    carts.extracted_at,
    COALESCE(line_totals.line_count, 0) AS line_count,
    COALESCE(line_totals.item_quantity, 0) AS item_quantity,
    COALESCE(line_totals.items_amount, 0) AS items_amount,
    0 AS discount_amount, /* FakeStore has no discounts */
    0 AS shipping_amount /* nor shipping charges */
  FROM carts
  LEFT JOIN line_totals
    ON line_totals.source_order_id = carts.cart_id::STRING
), totals AS (
  SELECT
    cart_id,
    user_id,
    ordered_at,
    extracted_at,
    line_count,
    item_quantity,
    items_amount,
    discount_amount,
    shipping_amount,
    items_amount - discount_amount + shipping_amount AS order_total
  FROM amounts
)
SELECT
  CONCAT('fakestore:', cart_id::STRING)::STRING AS order_key, /* Source-prefixed order key, e.g. fakestore:1 */
  'fakestore'::STRING AS source, /* Source system the row comes from */
  'webshop'::STRING AS channel, /* Sales channel; FakeStore is a webshop */
  cart_id::STRING AS source_order_id, /* Order id in the source system (the FakeStore cart id) */
  CONCAT('fakestore:', user_id::STRING)::STRING AS customer_key, /* Key of the ordering customer (marts.customers) */
  'placed'::STRING AS order_status, /* Order status; FakeStore carts have none, so every order is placed */
  ordered_at::TIMESTAMP AS ordered_at, /* When the order was placed (UTC); FakeStore records only the day */
  DATE(ordered_at)::DATE AS order_date, /* Day the order was placed (UTC) */
  'USD'::STRING AS currency_code, /* ISO 4217 currency of the amounts; FakeStore prices are US dollars */
  line_count::INT64 AS line_count, /* Number of order lines */
  item_quantity::INT64 AS item_quantity, /* Units ordered over all lines */
  items_amount::NUMERIC(18, 2) AS items_amount, /* Sum of the line amounts */
  discount_amount::NUMERIC(18, 2) AS discount_amount, /* Order-level discount; FakeStore has none */
  shipping_amount::NUMERIC(18, 2) AS shipping_amount, /* Shipping charged; FakeStore has none */
  order_total::NUMERIC(18, 2) AS order_total, /* items_amount - discount_amount + shipping_amount */
  extracted_at::TIMESTAMP AS loaded_at /* When this version of the order was extracted from the source (UTC) */
FROM totals

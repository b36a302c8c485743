/* Conformed order lines: one row per product line of an order, keyed by a source-prefixed key so sources never collide. FakeStore cart lines carry no prices, so each line is priced at the product's current list price. */
MODEL (
  name marts.order_lines,
  kind FULL,
  owner analytics_engineering,
  cron '@daily',
  grain order_line_key,
  tags (marts, conformed),
  audits (
    not_null(
      columns := [order_line_key, order_key, source, source_order_id, line_number, product_key]
    ),
    unique_values(columns := [order_line_key]),
    assert_key_prefixed_by_source(key_column := order_line_key),
    not_null_non_blocking(columns := [quantity, unit_price, line_amount, order_date]),
    accepted_range_non_blocking(column := quantity, min_v := 1),
    accepted_range_non_blocking(column := unit_price, min_v := 0)
  )
);

WITH cart_lines AS (
  SELECT
    cart_id,
    line_number,
    product_id,
    quantity
  FROM staging.stg_fakestore__cart_lines
), carts AS (
  SELECT
    cart_id,
    ordered_at
  FROM staging.stg_fakestore__carts
), products AS (
  SELECT
    product_id,
    price
  FROM staging.stg_fakestore__products
), priced AS (
  /* LEFT JOINs keep a line whose product or cart is missing; its price or date is NULL and the non-blocking audits report it. */
  SELECT
    cart_lines.cart_id,
    cart_lines.line_number,
    cart_lines.product_id,
    cart_lines.quantity,
    products.price AS unit_price,
    cart_lines.quantity * products.price AS line_amount,
    DATE(carts.ordered_at) AS order_date
  FROM cart_lines
  LEFT JOIN products
    ON products.product_id = cart_lines.product_id
  LEFT JOIN carts
    ON carts.cart_id = cart_lines.cart_id
)
SELECT
  CONCAT('fakestore:', cart_id::STRING, ':', line_number::STRING)::STRING AS order_line_key, /* Source-prefixed line key, fakestore:<cart_id>:<line_number> */
  CONCAT('fakestore:', cart_id::STRING)::STRING AS order_key, /* Key of the order the line belongs to (marts.orders) */
  'fakestore'::STRING AS source, /* Source system the row comes from */
  cart_id::STRING AS source_order_id, /* Order id in the source system (the FakeStore cart id) */
  line_number::INT64 AS line_number, /* 1-based position of the line in its order */
  CONCAT('fakestore:', product_id::STRING)::STRING AS product_key, /* Key of the ordered product (marts.products) */
  quantity::INT64 AS quantity, /* Units ordered */
  unit_price::NUMERIC(18, 2) AS unit_price, /* Price per unit; FakeStore carts carry no prices, so this is the product's current list price */
  line_amount::NUMERIC(18, 2) AS line_amount, /* quantity x unit_price */
  'USD'::STRING AS currency_code, /* ISO 4217 currency of the amounts; FakeStore prices are US dollars */
  order_date::DATE AS order_date /* Day the order was placed (UTC) */
FROM priced

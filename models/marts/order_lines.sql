/* Conformed order lines: one row per product line of an order, keyed by a source-prefixed key so sources never collide. FakeStore cart lines carry no prices, so each line is priced at the product's current list price (USD); TinyERP lines carry their own unit price (BRL) and may have fractional quantities (kg), and the lines of an order deleted in Tiny are left out (as the order is from marts.orders); Linnworks lines carry their own price, discount and tax in the order's currency; a thelook line is one unit (the public set has one order item per unit) at its sale price in USD. */
MODEL (
  name marts.order_lines,
  kind FULL,
  owner analytics_engineering,
  cron '@daily',
  grain order_line_key,
  partitioned_by order_date,
  clustered_by product_key,
  tags (marts, conformed),
  audits (
    not_null(
      columns := [order_line_key, order_key, source, source_order_id, line_number, product_key]
    ),
    unique_values(columns := [order_line_key]),
    assert_key_prefixed_by_source(key_column := order_line_key),
    not_null_non_blocking(columns := [quantity, unit_price, line_amount, order_date]),
    accepted_range_non_blocking(column := quantity, min_v := 0),
    accepted_range_non_blocking(column := unit_price, min_v := 0)
  )
);

WITH unioned AS (
  /* FakeStore: LEFT JOINs keep a line whose product or cart is missing; its price or date is NULL and the non-blocking audits report it */
  SELECT
    'fakestore' AS source,
    cart_lines.cart_id::STRING AS source_order_id,
    cart_lines.line_number,
    cart_lines.product_id::STRING AS source_product_id,
    cart_lines.quantity,
    products.price AS unit_price,
    cart_lines.quantity * products.price AS line_amount,
    0 AS discount_amount,
    0 AS tax_amount,
    'USD' AS currency_code,
    DATE(DATETIME(carts.ordered_at, 'UTC')) AS order_date /* the UTC day; a plain DATE(ts) is the DuckDB session's day (docs/tooling.md §4) */
  FROM staging.stg_fakestore__cart_lines AS cart_lines
  LEFT JOIN staging.stg_fakestore__products AS products
    ON cart_lines.product_id = products.product_id
  LEFT JOIN staging.stg_fakestore__carts AS carts
    ON cart_lines.cart_id = carts.cart_id
  UNION ALL
  /* TinyERP: the order date is the day in Brasília, as in Tiny itself */
  SELECT
    'tinyerp' AS source,
    order_lines.order_id::STRING AS source_order_id,
    order_lines.line_number,
    order_lines.product_id::STRING AS source_product_id,
    order_lines.quantity,
    order_lines.unit_price,
    order_lines.line_amount,
    0 AS discount_amount, /* Tiny discounts the order, not its lines (marts.orders) */
    0 AS tax_amount,
    'BRL' AS currency_code,
    orders.order_date
  FROM staging.stg_tinyerp__order_lines AS order_lines
  LEFT JOIN staging.stg_tinyerp__orders AS orders
    ON order_lines.order_id = orders.order_id
  WHERE
    NOT COALESCE(orders.is_deleted, FALSE) /* a line whose order is not staged keeps its NULL date, for the audits */
  UNION ALL
  /* Linnworks: each line's own price, discount and tax in the order's currency; the order date is the day the order was received, in London (as marts.orders) */
  SELECT
    'linnworks' AS source,
    order_lines.order_id AS source_order_id,
    order_lines.line_number,
    order_lines.stock_item_id AS source_product_id,
    order_lines.quantity,
    order_lines.unit_price,
    order_lines.line_amount, /* Linnworks Cost = quantity x unit price, ex tax, before discount */
    order_lines.discount_amount,
    order_lines.tax_amount,
    order_lines.currency_code,
    DATE(DATETIME(orders.received_at, 'Europe/London')) AS order_date
  FROM staging.stg_linnworks__order_lines AS order_lines
  LEFT JOIN staging.stg_linnworks__processed_orders AS orders
    ON order_lines.order_id = orders.order_id
  UNION ALL
  /* thelook: each order item is one unit, so one line of quantity 1 at its sale price, numbered by item id within the order; the day is the UTC day the order was placed (the items carry its time) */
  SELECT
    'thelook' AS source,
    order_id::STRING AS source_order_id,
    ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY order_item_id) AS line_number,
    product_id::STRING AS source_product_id,
    1 AS quantity,
    sale_price AS unit_price,
    sale_price AS line_amount,
    0 AS discount_amount,
    0 AS tax_amount,
    'USD' AS currency_code,
    DATE(DATETIME(created_at, 'UTC')) AS order_date
  FROM staging.stg_thelook__order_items
)
SELECT
  CONCAT(source, ':', source_order_id, ':', line_number::STRING)::STRING AS order_line_key, /* Source-prefixed line key, <source>:<order id>:<line_number> */
  CONCAT(source, ':', source_order_id)::STRING AS order_key, /* Key of the order the line belongs to (marts.orders) */
  source::STRING AS source, /* Source system the row comes from */
  source_order_id::STRING AS source_order_id, /* Order id in the source system (the FakeStore cart id, the TinyERP order id, the Linnworks order GUID) */
  line_number::INT64 AS line_number, /* 1-based position of the line in its order */
  CONCAT(source, ':', source_product_id)::STRING AS product_key, /* Key of the ordered product (marts.products); Linnworks: linnworks:<stock item GUID> */
  quantity::NUMERIC(18, 3) AS quantity, /* Units ordered; fractional for goods sold by weight */
  ROUND(unit_price, 2)::NUMERIC(18, 2) AS unit_price, /* Price per unit; for FakeStore the product's current list price (its carts carry no prices) */
  ROUND(line_amount, 2)::NUMERIC(18, 2) AS line_amount, /* quantity x unit_price, ex tax, before discount: the lines of an order add up to its items_amount */
  ROUND(discount_amount, 2)::NUMERIC(18, 2) AS discount_amount, /* Discount on the line (Linnworks Discount); 0 where the source discounts only orders (TinyERP) or not at all (FakeStore) */
  ROUND(tax_amount, 2)::NUMERIC(18, 2) AS tax_amount, /* Tax on the line after its discount (Linnworks Tax); 0 where the source keeps none (FakeStore, TinyERP) */
  currency_code::STRING AS currency_code, /* ISO 4217 currency of the amounts: USD for FakeStore, BRL for TinyERP, the order's own for Linnworks */
  order_date::DATE AS order_date /* Day the order was placed: UTC for FakeStore, Brasília time for TinyERP, London time for Linnworks */
FROM unioned

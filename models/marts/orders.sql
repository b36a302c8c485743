/* Conformed orders: one row per order per source, keyed by a source-prefixed key so sources never collide. A FakeStore cart is a webshop order whose amounts are the sums of its lines (USD); a TinyERP order keeps the amounts Tiny computed (BRL), which its lines in marts.order_lines must add up to, and an order deleted in Tiny is not here (it no longer exists; stg_tinyerp__orders keeps it, is_deleted), unlike a cancelled one, which stays with is_cancelled; a Linnworks order is a processed order (stg_linnworks__processed_orders) with its details (refund, status, customer, conversion rate: stg_linnworks__order_details), in its own currency (GBP, EUR, USD); a thelook order is a web shop order in USD, its total the sum of its units, refunded in full when returned. Every amount is in currency_code; the *_reporting amounts are the same amounts in the reporting currency, converted at fx_rate_to_reporting (marts.exchange_rates, the one place the conversion is defined, as of order_date). net_amount is what the seller keeps of the order: order_total - refunded_amount, and 0 for a cancelled order (its order_total stays what was charged). */
MODEL (
  name marts.orders,
  kind FULL,
  owner analytics_engineering,
  cron '@daily',
  grain order_key,
  partitioned_by order_date,
  clustered_by (source, channel_key, order_status),
  columns (
    order_key STRING,
    source STRING,
    channel STRING,
    channel_key STRING,
    source_order_id STRING,
    customer_key STRING,
    order_status STRING,
    is_cancelled BOOL,
    is_refunded BOOL,
    ordered_at TIMESTAMP,
    order_date DATE,
    currency_code STRING,
    line_count INT64,
    item_quantity NUMERIC(18, 3),
    items_amount NUMERIC(18, 2),
    discount_amount NUMERIC(18, 2),
    shipping_amount NUMERIC(18, 2),
    tax_amount NUMERIC(18, 2),
    other_charges_amount NUMERIC(18, 2),
    order_total NUMERIC(18, 2),
    refunded_amount NUMERIC(18, 2),
    net_amount NUMERIC(18, 2),
    reporting_currency STRING,
    fx_rate_to_reporting NUMERIC(18, 9),
    order_total_reporting NUMERIC(18, 2),
    net_amount_reporting NUMERIC(18, 2),
    loaded_at TIMESTAMP
  ),
  tags (marts, conformed),
  audits (
    not_null(
      columns := [
        order_key,
        source,
        source_order_id,
        items_amount,
        order_total,
        channel_key,
        is_cancelled
      ]
    ),
    unique_values(columns := [order_key]),
    assert_key_prefixed_by_source(key_column := order_key),
    assert_order_total_equals_sum_of_lines,
    assert_net_amount_and_refunds,
    assert_foreign_key_exists(key_column := channel_key, parent_model := marts.channels, parent_key := channel_key),
    not_null_non_blocking(columns := [ordered_at, fx_rate_to_reporting]),
    accepted_range_non_blocking(column := order_total, min_v := 0)
  )
);

WITH line_totals AS (
  SELECT
    order_key,
    COUNT(*) AS line_count,
    SUM(quantity) AS item_quantity,
    SUM(line_amount) AS items_amount
  FROM marts.order_lines
  GROUP BY
    order_key
), tinyerp_customer_by_code AS (
  /* Tiny orders name their customer by code or tax id (CPF/CNPJ), not by contact id. */
  SELECT
    contact_code,
    MIN(contact_id) AS contact_id
  FROM staging.stg_tinyerp__contacts
  WHERE
    NOT contact_code IS NULL
  GROUP BY
    contact_code
), tinyerp_customer_by_tax_id AS (
  SELECT
    tax_id,
    MIN(contact_id) AS contact_id
  FROM staging.stg_tinyerp__contacts
  WHERE
    NOT tax_id IS NULL
  GROUP BY
    tax_id
), unioned AS (
  /* FakeStore: every cart is a placed webshop order with no discounts, shipping, tax, other charges or refunds, so its total is its items */
  SELECT
    'fakestore' AS source,
    carts.cart_id::STRING AS source_order_id,
    'webshop' AS channel_name,
    NULL::STRING AS sub_channel,
    CONCAT('fakestore:', carts.user_id::STRING) AS customer_key,
    'placed' AS order_status,
    carts.ordered_at,
    DATE(DATETIME(carts.ordered_at, 'UTC')) AS order_date, /* the UTC day; a plain DATE(ts) is the DuckDB session's day (docs/tooling.md §4) */
    'USD' AS currency_code,
    COALESCE(line_totals.items_amount, 0) AS items_amount,
    0 AS discount_amount,
    0 AS shipping_amount,
    0 AS tax_amount,
    0 AS other_charges_amount,
    COALESCE(line_totals.items_amount, 0) AS order_total,
    0 AS refunded_amount,
    'USD' AS fx_base_currency,
    1 AS fx_base_rate,
    carts.extracted_at
  FROM staging.stg_fakestore__carts AS carts
  LEFT JOIN line_totals
    ON line_totals.order_key = CONCAT('fakestore:', carts.cart_id::STRING)
  UNION ALL
  /* TinyERP keeps the amounts Tiny computed (so total = parts is a real check); Tiny's orders carry no tax or refund amounts. Walk-in sales ("Consumidor Final", no code or tax id) have no customer. A POS sale is a store sale; an order with an e-commerce channel is a webshop order; the rest were keyed into the ERP directly. */
  SELECT
    'tinyerp' AS source,
    orders.order_id::STRING AS source_order_id,
    CASE
      WHEN NOT pos_sales.pos_sale_id IS NULL
      THEN 'pos'
      WHEN NOT orders.sales_channel IS NULL
      THEN 'webshop'
      ELSE 'direct'
    END AS channel_name,
    NULL AS sub_channel,
    CONCAT('tinyerp:', COALESCE(by_code.contact_id, by_tax_id.contact_id)::STRING) AS customer_key, /* NULL when neither matches */
    orders.order_status,
    orders.ordered_at,
    orders.order_date,
    'BRL' AS currency_code,
    orders.items_amount,
    orders.discount_amount,
    orders.shipping_amount,
    0 AS tax_amount,
    orders.other_charges_amount,
    orders.order_total,
    0 AS refunded_amount,
    'BRL' AS fx_base_currency,
    1 AS fx_base_rate,
    orders.extracted_at
  FROM staging.stg_tinyerp__orders AS orders
  LEFT JOIN tinyerp_customer_by_code AS by_code
    ON orders.customer_code = by_code.contact_code
  LEFT JOIN tinyerp_customer_by_tax_id AS by_tax_id
    ON orders.customer_tax_id = by_tax_id.tax_id
  LEFT JOIN staging.stg_tinyerp__pos_sales AS pos_sales
    ON orders.order_id = pos_sales.pos_sale_id
  WHERE
    NOT orders.is_deleted
  UNION ALL
  /* Linnworks: TotalCharge = Subtotal - TotalDiscount + PostageCostExTax + Tax (the total Linnworks computed, so total = parts is a check). A processed order has been dispatched (shipped) unless it was cancelled or a line came back (returned). The day is the one in London, where the seller is: DATE(DATETIME(ts, zone)), not DATE(ts, zone), which sqlglot makes a session-dependent cast on DuckDB (docs/tooling.md §4). The customer is keyed by a digest of the e-mail, never the e-mail itself. ConversionRate turns the order's currency into the account's base currency (variable linnworks_base_currency), which marts.exchange_rates then converts to the reporting currency. */
  SELECT
    'linnworks' AS source,
    processed.order_id AS source_order_id,
    COALESCE(processed.channel_source, 'UNKNOWN') AS channel_name, /* as marts.channels names a channel */
    processed.channel_subsource AS sub_channel,
    CONCAT('linnworks:', TO_HEX(MD5(details.customer_email))) AS customer_key, /* NULL without an e-mail */
    CASE
      WHEN processed.is_cancelled
      THEN 'cancelled'
      WHEN details.order_status = 'returned'
      THEN 'returned'
      ELSE 'shipped'
    END AS order_status,
    processed.received_at AS ordered_at,
    DATE(DATETIME(processed.received_at, 'Europe/London')) AS order_date,
    processed.currency_code,
    processed.subtotal AS items_amount,
    processed.total_discount AS discount_amount,
    processed.postage_cost_ex_tax AS shipping_amount,
    processed.tax_amount,
    0 AS other_charges_amount,
    processed.total_charge AS order_total,
    COALESCE(details.total_refunded, 0) AS refunded_amount,
    @VAR('linnworks_base_currency') AS fx_base_currency,
    details.conversion_rate AS fx_base_rate,
    CASE
      WHEN details.extracted_at > processed.extracted_at
      THEN details.extracted_at
      ELSE processed.extracted_at
    END AS extracted_at
  FROM staging.stg_linnworks__processed_orders AS processed
  LEFT JOIN staging.stg_linnworks__order_details AS details
    ON processed.order_id = details.order_id
  UNION ALL
  /* thelook: a web shop order in USD whose amounts are the sum of its units (the public set has no discount, shipping or tax), through the traffic source that brought its user. Statuses: Processing, Shipped, Complete (delivered), Cancelled, Returned; a returned order is refunded in full (the public set repeats the order's status on every unit), so it nets 0, as a cancelled one does. The public set keeps no load time. */
  SELECT
    'thelook' AS source,
    orders.order_id::STRING AS source_order_id,
    'webshop' AS channel_name,
    users.traffic_source AS sub_channel,
    CONCAT('thelook:', orders.user_id::STRING) AS customer_key,
    CASE orders.status
      WHEN 'Processing'
      THEN 'processing'
      WHEN 'Shipped'
      THEN 'shipped'
      WHEN 'Complete'
      THEN 'delivered'
      WHEN 'Cancelled'
      THEN 'cancelled'
      WHEN 'Returned'
      THEN 'returned'
    END AS order_status,
    orders.created_at AS ordered_at,
    DATE(DATETIME(orders.created_at, 'UTC')) AS order_date,
    'USD' AS currency_code,
    COALESCE(line_totals.items_amount, 0) AS items_amount,
    0 AS discount_amount,
    0 AS shipping_amount,
    0 AS tax_amount,
    0 AS other_charges_amount,
    COALESCE(line_totals.items_amount, 0) AS order_total,
    CASE
      WHEN orders.status = 'Returned'
      THEN COALESCE(line_totals.items_amount, 0)
      ELSE 0
    END AS refunded_amount,
    'USD' AS fx_base_currency,
    1 AS fx_base_rate,
    NULL AS extracted_at
  FROM staging.stg_thelook__orders AS orders
  LEFT JOIN staging.stg_thelook__users AS users
    ON orders.user_id = users.user_id
  LEFT JOIN line_totals
    ON line_totals.order_key = CONCAT('thelook:', orders.order_id::STRING)
), totals AS (
  /* LEFT JOIN: an order without lines is still an order, with no lines and no units. The channel comes from marts.channels (its key rule is stated there); the rate to the reporting currency from marts.exchange_rates, as of the order's day, after the source's own rate to its base currency where it has one. */
  SELECT
    unioned.source,
    unioned.source_order_id,
    channels.channel_key,
    channels.channel,
    unioned.customer_key,
    unioned.order_status,
    COALESCE(unioned.order_status = 'cancelled', FALSE) AS is_cancelled,
    unioned.ordered_at,
    unioned.order_date,
    unioned.currency_code,
    COALESCE(line_totals.line_count, 0) AS line_count,
    COALESCE(line_totals.item_quantity, 0) AS item_quantity,
    unioned.items_amount,
    unioned.discount_amount,
    unioned.shipping_amount,
    unioned.tax_amount,
    unioned.other_charges_amount,
    unioned.order_total,
    unioned.refunded_amount,
    fx.reporting_currency,
    ROUND(unioned.fx_base_rate * fx.rate_to_reporting, 9) AS fx_rate_to_reporting,
    unioned.extracted_at
  FROM unioned
  LEFT JOIN line_totals
    ON line_totals.order_key = CONCAT(unioned.source, ':', unioned.source_order_id)
  LEFT JOIN marts.channels AS channels
    ON (
      unioned.source = channels.source
      AND unioned.channel_name = channels.channel_name
      AND COALESCE(unioned.sub_channel, '') = COALESCE(channels.sub_channel, '')
    )
  LEFT JOIN marts.exchange_rates AS fx
    ON (
      unioned.fx_base_currency = fx.currency_code
      AND unioned.order_date >= fx.valid_from
      AND unioned.order_date < fx.valid_to
    )
), amounts AS (
  SELECT
    source,
    source_order_id,
    channel_key,
    channel,
    customer_key,
    order_status,
    is_cancelled,
    ordered_at,
    order_date,
    currency_code,
    line_count,
    item_quantity,
    ROUND(items_amount, 2)::NUMERIC(18, 2) AS items_amount,
    ROUND(discount_amount, 2)::NUMERIC(18, 2) AS discount_amount,
    ROUND(shipping_amount, 2)::NUMERIC(18, 2) AS shipping_amount,
    ROUND(tax_amount, 2)::NUMERIC(18, 2) AS tax_amount,
    ROUND(other_charges_amount, 2)::NUMERIC(18, 2) AS other_charges_amount,
    ROUND(order_total, 2)::NUMERIC(18, 2) AS order_total,
    ROUND(refunded_amount, 2)::NUMERIC(18, 2) AS refunded_amount,
    CASE
      WHEN is_cancelled
      THEN 0
      ELSE ROUND(order_total, 2) - ROUND(refunded_amount, 2)
    END::NUMERIC(18, 2) AS net_amount,
    reporting_currency,
    SAFE_CAST(fx_rate_to_reporting AS NUMERIC(18, 9)) AS fx_rate_to_reporting, /* SAFE_CAST: this query names a variable, so a CAST would lose its (18, 9) on DuckDB (docs/tooling.md §4) */
    extracted_at
  FROM totals
)
SELECT
  CONCAT(source, ':', source_order_id)::STRING AS order_key, /* Source-prefixed order key, e.g. fakestore:1, tinyerp:884100008, linnworks:<order GUID> */
  source::STRING AS source, /* Source system the row comes from */
  channel::STRING AS channel, /* Sales channel: marketplace (Amazon, eBay), webshop, pos (store counter) or direct (keyed in by the seller) */
  channel_key::STRING AS channel_key, /* Key of the sales channel (marts.channels), e.g. tinyerp:pos, linnworks:AMAZON/amazon.co.uk */
  source_order_id::STRING AS source_order_id, /* Order id in the source system (the FakeStore cart id, the TinyERP order id, the Linnworks order GUID) */
  customer_key::STRING AS customer_key, /* Key of the ordering customer (marts.customers); NULL for anonymous walk-in sales and Linnworks orders without an e-mail */
  order_status::STRING AS order_status, /* placed, processing, shipped, delivered, cancelled or returned; FakeStore carts are all placed; a Linnworks order is shipped unless cancelled or returned */
  is_cancelled::BOOL AS is_cancelled, /* The order was cancelled (order_status cancelled): it counts in no sales */
  (
    refunded_amount > 0
  )::BOOL AS is_refunded, /* Part or all of the order was refunded (refunded_amount > 0) */
  ordered_at::TIMESTAMP AS ordered_at, /* When the order was placed (UTC); FakeStore and TinyERP record only the day (TinyERP: midnight in Brasília); Linnworks: when the channel received it */
  order_date::DATE AS order_date, /* Day the order was placed: UTC for FakeStore, Brasília time for TinyERP, London time for Linnworks */
  currency_code::STRING AS currency_code, /* ISO 4217 currency of the amounts: USD for FakeStore, BRL for TinyERP, the order's own (GBP, EUR, USD) for Linnworks */
  line_count::INT64 AS line_count, /* Number of order lines */
  item_quantity::NUMERIC(18, 3) AS item_quantity, /* Units ordered over all lines; fractional for goods sold by weight */
  items_amount::NUMERIC(18, 2) AS items_amount, /* Value of the items, the sum of the line amounts (ex tax, before discount) */
  discount_amount::NUMERIC(18, 2) AS discount_amount, /* Order discount */
  shipping_amount::NUMERIC(18, 2) AS shipping_amount, /* Shipping charged to the customer, ex tax (Linnworks PostageCostExTax) */
  tax_amount::NUMERIC(18, 2) AS tax_amount, /* Tax charged on the order, lines and shipping (Linnworks Tax); 0 where the source keeps none (FakeStore, TinyERP) */
  other_charges_amount::NUMERIC(18, 2) AS other_charges_amount, /* Other charges on the order (TinyERP outras despesas) */
  order_total::NUMERIC(18, 2) AS order_total, /* What was charged: items_amount - discount_amount + shipping_amount + tax_amount + other_charges_amount */
  refunded_amount::NUMERIC(18, 2) AS refunded_amount, /* Refunded to the customer (Linnworks TotalRefunded); 0 where none (FakeStore and TinyERP record no refunds) */
  net_amount::NUMERIC(18, 2) AS net_amount, /* What the seller keeps: order_total - refunded_amount; 0 for a cancelled order */
  reporting_currency::STRING AS reporting_currency, /* ISO 4217 reporting currency (SQLMesh variable reporting_currency, env REPORTING_CURRENCY) */
  fx_rate_to_reporting, /* Units of reporting currency per unit of currency_code on order_date: the rate of marts.exchange_rates, for Linnworks times the order's ConversionRate to the account's base currency; NULL when the seed lacks the currency or Linnworks the rate */
  ROUND(order_total * fx_rate_to_reporting, 2)::NUMERIC(18, 2) AS order_total_reporting, /* order_total in the reporting currency: order_total x fx_rate_to_reporting, to the cent */
  ROUND(net_amount * fx_rate_to_reporting, 2)::NUMERIC(18, 2) AS net_amount_reporting, /* net_amount in the reporting currency: net_amount x fx_rate_to_reporting, to the cent */
  extracted_at::TIMESTAMP AS loaded_at /* When this version of the order was extracted from the source (UTC) */
FROM amounts

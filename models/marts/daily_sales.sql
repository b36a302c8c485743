/* Daily sales: one row per order day, source, sales channel and order currency, summed from marts.orders so that it reconciles with it exactly. Amounts are never summed across currencies: each row is in its currency_code, and the *_reporting sums add the orders' own *_reporting amounts (each converted on its order day). Cancelled orders count only in cancelled_orders; every other measure covers the orders that were not cancelled. net_amount = gross_amount - refunded_amount. */
MODEL (
  name marts.daily_sales,
  kind FULL,
  owner analytics_engineering,
  cron '@daily',
  grain (order_date, source, channel_key, currency_code),
  partitioned_by order_date,
  clustered_by (source, channel_key),
  tags (marts, conformed),
  audits (
    not_null(columns := [order_date, source, channel_key, currency_code]),
    unique_combination_of_columns(columns := [order_date, source, channel_key, currency_code]),
    assert_daily_sales_reconcile_with_orders
  )
);

SELECT
  order_date::DATE AS order_date, /* Day the orders were placed (the source's local day, as marts.orders.order_date) */
  source::STRING AS source, /* Source system the orders come from */
  channel_key::STRING AS channel_key, /* Key of the sales channel (marts.channels) */
  channel::STRING AS channel, /* Conformed channel of channel_key: marketplace, webshop, pos or direct */
  currency_code::STRING AS currency_code, /* ISO 4217 currency of every amount of the row but the *_reporting ones */
  COUNTIF(NOT is_cancelled)::INT64 AS orders, /* Orders placed that day that were not cancelled */
  COUNTIF(is_cancelled)::INT64 AS cancelled_orders, /* Orders placed that day and cancelled */
  COALESCE(SUM(CASE WHEN is_cancelled THEN 0 ELSE item_quantity END), 0)::NUMERIC(18, 3) AS units, /* Units of the orders that were not cancelled (sum of item_quantity) */
  COALESCE(SUM(CASE WHEN is_cancelled THEN 0 ELSE order_total END), 0)::NUMERIC(18, 2) AS gross_amount, /* What those orders charged (sum of order_total) */
  COALESCE(SUM(CASE WHEN is_cancelled THEN 0 ELSE discount_amount END), 0)::NUMERIC(18, 2) AS discount_amount, /* Discounts given on those orders */
  COALESCE(SUM(CASE WHEN is_cancelled THEN 0 ELSE refunded_amount END), 0)::NUMERIC(18, 2) AS refunded_amount, /* Refunded on those orders */
  COALESCE(SUM(CASE WHEN is_cancelled THEN 0 ELSE net_amount END), 0)::NUMERIC(18, 2) AS net_amount, /* What the seller keeps of them: gross_amount - refunded_amount */
  MAX(reporting_currency)::STRING AS reporting_currency, /* ISO 4217 reporting currency of the *_reporting sums (marts.orders) */
  CASE
    WHEN LOGICAL_OR(NOT is_cancelled AND order_total_reporting IS NULL)
    THEN NULL
    ELSE COALESCE(SUM(CASE WHEN is_cancelled THEN 0 ELSE order_total_reporting END), 0)
  END::NUMERIC(18, 2) AS gross_amount_reporting, /* gross_amount in the reporting currency: the sum of the orders' order_total_reporting; NULL if an order has no rate */
  CASE
    WHEN LOGICAL_OR(NOT is_cancelled AND net_amount_reporting IS NULL)
    THEN NULL
    ELSE COALESCE(SUM(CASE WHEN is_cancelled THEN 0 ELSE net_amount_reporting END), 0)
  END::NUMERIC(18, 2) AS net_amount_reporting /* net_amount in the reporting currency: the sum of the orders' net_amount_reporting; NULL if an order has no rate */
FROM marts.orders
GROUP BY
  order_date,
  source,
  channel_key,
  channel,
  currency_code

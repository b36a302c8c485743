/* Order headers, the analytics fact of orders: one row per order of every source (marts.orders), with the country it ships to, partitioned by order day and clustered by shipping country and status. Incremental by order_date: a run builds only the days it is missing, and the last one again (lookback) for rows that arrive late. shipping_country is the customer's country (marts.customers: the sources' staging keeps no shipping address), NULL where the source has none. Revenue: order_total is what was charged, every order counted; net_amount what the seller keeps (0 for a cancelled order, minus refunds: a returned thelook order nets 0). */
MODEL (
  name marts.fct_order_headers,
  kind INCREMENTAL_BY_TIME_RANGE (
    time_column order_date,
    lookback 1
  ),
  owner analytics_engineering,
  cron '@daily',
  grain order_key,
  partitioned_by order_date,
  clustered_by (shipping_country, order_status),
  columns (
    order_key STRING,
    source STRING,
    source_order_id STRING,
    customer_key STRING,
    channel_key STRING,
    order_status STRING,
    is_cancelled BOOL,
    is_refunded BOOL,
    ordered_at TIMESTAMP,
    order_date DATE,
    shipping_country STRING,
    currency_code STRING,
    line_count INT64,
    item_quantity NUMERIC(18, 3),
    items_amount NUMERIC(18, 2),
    order_total NUMERIC(18, 2),
    refunded_amount NUMERIC(18, 2),
    net_amount NUMERIC(18, 2),
    reporting_currency STRING,
    order_total_reporting NUMERIC(18, 2),
    net_amount_reporting NUMERIC(18, 2)
  ),
  depends_on (marts.customers, marts.channels), /* the channel audit reads channels; the customer reference is a GX check, as on marts.orders */
  tags (marts, facts),
  audits (
    not_null(
      columns := [
        order_key,
        source,
        order_date,
        order_status,
        is_cancelled,
        order_total,
        channel_key
      ]
    ),
    unique_values(columns := [order_key]),
    assert_key_prefixed_by_source(key_column := order_key),
    assert_foreign_key_exists(key_column := channel_key, parent_model := marts.channels, parent_key := channel_key)
  )
);

SELECT
  orders.order_key::STRING AS order_key, /* Source-prefixed order key (marts.orders) */
  orders.source::STRING AS source, /* Source system the order comes from */
  orders.source_order_id::STRING AS source_order_id, /* Order id in the source system */
  orders.customer_key::STRING AS customer_key, /* The ordering customer (marts.customers); NULL for anonymous sales */
  orders.channel_key::STRING AS channel_key, /* The sales channel (marts.channels) */
  orders.order_status::STRING AS order_status, /* placed, processing, shipped, delivered, cancelled or returned */
  orders.is_cancelled::BOOL AS is_cancelled, /* The order was cancelled: it counts in no sales */
  orders.is_refunded::BOOL AS is_refunded, /* Part or all of the order was refunded */
  orders.ordered_at::TIMESTAMP AS ordered_at, /* When the order was placed (UTC) */
  orders.order_date::DATE AS order_date, /* Day the order was placed (the source's day, as marts.orders): the partition */
  customers.country_code::STRING AS shipping_country, /* ISO country the order ships to: its customer's; NULL where unknown */
  orders.currency_code::STRING AS currency_code, /* ISO 4217 currency of the amounts */
  orders.line_count::INT64 AS line_count, /* Number of order lines */
  orders.item_quantity::NUMERIC(18, 3) AS item_quantity, /* Units ordered */
  orders.items_amount::NUMERIC(18, 2) AS items_amount, /* Value of the items, the sum of the line amounts */
  orders.order_total::NUMERIC(18, 2) AS order_total, /* What was charged */
  orders.refunded_amount::NUMERIC(18, 2) AS refunded_amount, /* Refunded to the customer */
  orders.net_amount::NUMERIC(18, 2) AS net_amount, /* What the seller keeps: order_total - refunded_amount, 0 if cancelled */
  orders.reporting_currency::STRING AS reporting_currency, /* The reporting currency */
  orders.order_total_reporting::NUMERIC(18, 2) AS order_total_reporting, /* order_total in the reporting currency */
  orders.net_amount_reporting::NUMERIC(18, 2) AS net_amount_reporting /* net_amount in the reporting currency */
FROM marts.orders AS orders
LEFT JOIN marts.customers AS customers
  ON orders.customer_key = customers.customer_key
WHERE
  orders.order_date BETWEEN @start_ds AND @end_ds

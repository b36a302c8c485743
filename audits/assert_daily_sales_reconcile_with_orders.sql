AUDIT (
  name assert_daily_sales_reconcile_with_orders
);

/* Per source and currency, every measure of the daily rows must equal the same measure summed straight from marts.orders (cancelled orders counted apart), and each row's net_amount must be gross_amount - refunded_amount. A row names the currency and source whose totals differ, or the day whose net does not reconcile. */
WITH from_orders AS (
  SELECT
    source,
    currency_code,
    COUNT(*) AS all_orders,
    SUM(CASE WHEN is_cancelled THEN 0 ELSE 1 END) AS orders,
    SUM(CASE WHEN is_cancelled THEN 0 ELSE item_quantity END) AS units,
    SUM(CASE WHEN is_cancelled THEN 0 ELSE order_total END) AS gross_amount,
    SUM(CASE WHEN is_cancelled THEN 0 ELSE discount_amount END) AS discount_amount,
    SUM(CASE WHEN is_cancelled THEN 0 ELSE refunded_amount END) AS refunded_amount,
    SUM(CASE WHEN is_cancelled THEN 0 ELSE net_amount END) AS net_amount
  FROM marts.orders
  GROUP BY
    source,
    currency_code
), from_days AS (
  SELECT
    source,
    currency_code,
    SUM(orders + cancelled_orders) AS all_orders,
    SUM(orders) AS orders,
    SUM(units) AS units,
    SUM(gross_amount) AS gross_amount,
    SUM(discount_amount) AS discount_amount,
    SUM(refunded_amount) AS refunded_amount,
    SUM(net_amount) AS net_amount
  FROM @this_model
  GROUP BY
    source,
    currency_code
)
SELECT
  COALESCE(from_orders.source, from_days.source) AS source,
  COALESCE(from_orders.currency_code, from_days.currency_code) AS currency_code,
  NULL::DATE AS order_date,
  from_orders.gross_amount AS orders_gross_amount,
  from_days.gross_amount AS days_gross_amount
FROM from_orders
FULL OUTER JOIN from_days
  ON (
    from_orders.source = from_days.source
    AND from_orders.currency_code = from_days.currency_code
  )
WHERE
  from_orders.source IS NULL
  OR from_days.source IS NULL
  OR from_orders.all_orders <> from_days.all_orders
  OR from_orders.orders <> from_days.orders
  OR from_orders.units <> from_days.units
  OR from_orders.gross_amount <> from_days.gross_amount
  OR from_orders.discount_amount <> from_days.discount_amount
  OR from_orders.refunded_amount <> from_days.refunded_amount
  OR from_orders.net_amount <> from_days.net_amount
UNION ALL
SELECT
  source,
  currency_code,
  order_date,
  gross_amount AS orders_gross_amount,
  net_amount + refunded_amount AS days_gross_amount
FROM @this_model
WHERE
  net_amount <> gross_amount - refunded_amount

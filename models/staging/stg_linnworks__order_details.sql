/* Linnworks order details: one row per processed order with its status, channel, customer and totals, as of its latest extraction at or before the pinned load (the connector's date windows share their bounds, so an order processed on a bound is read twice: the latest read wins). Amounts are in the order's currency; conversion_rate turns them into the account's base currency. Refunds: the connector's schema has no Refunds field, so Airbyte drops the refund rows; only TotalsInfo.TotalRefunded (total_refunded) and status 2 (returned) tell of them. The lines are in stg_linnworks__order_lines. */
MODEL (
  name staging.stg_linnworks__order_details,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain order_id,
  columns (
    order_id STRING,
    order_number INT64,
    processed_at TIMESTAMP,
    paid_at TIMESTAMP,
    received_at TIMESTAMP,
    status_code INT64,
    order_status STRING,
    is_on_hold_or_cancelled BOOL,
    channel_source STRING,
    channel_subsource STRING,
    reference_number STRING,
    item_count INT64,
    customer_name STRING,
    customer_email STRING,
    customer_country STRING,
    currency_code STRING,
    conversion_rate NUMERIC(18, 6),
    subtotal NUMERIC(18, 2),
    postage_cost NUMERIC(18, 2),
    postage_cost_ex_tax NUMERIC(18, 2),
    tax_amount NUMERIC(18, 2),
    total_charge NUMERIC(18, 2),
    total_discount NUMERIC(18, 2),
    total_refunded NUMERIC(18, 2),
    profit_margin NUMERIC(18, 2),
    fulfilment_location_id STRING,
    extracted_at TIMESTAMP
  ),
  tags (linnworks, staging, pii),
  audits (
    not_null(columns := [order_id, order_number, processed_at, extracted_at]),
    unique_values(columns := [order_id]),
    unique_values(columns := [order_number]),
    not_null_non_blocking(
      columns := [received_at, status_code, currency_code, conversion_rate, total_charge]
    ),
    accepted_values_non_blocking(
      column := order_status,
      is_in := ['unpaid', 'paid', 'returned', 'pending', 'resend']
    ),
    accepted_values_non_blocking(column := currency_code, is_in := ['GBP', 'EUR', 'USD']),
    accepted_range_non_blocking(column := conversion_rate, min_v := 0),
    accepted_range_non_blocking(column := total_charge, min_v := 0)
  )
);

WITH source AS (
  /* Incremental syncs append the details of each date window's orders, bounds included: keep the latest extraction up to the pinned load. */
  SELECT
    orderid,
    numorderid,
    processeddatetime,
    paiddatetime,
    fulfilmentlocationid,
    generalinfo,
    customerinfo,
    totalsinfo,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_linnworks.processed_order_details, numorderid, @loaded_through_linnworks)
), renamed AS (
  SELECT
    LOWER(@trim_whitespace(orderid)) AS order_id,
    numorderid AS order_number,
    processeddatetime AS processed_at,
    paiddatetime AS paid_at,
    SAFE_CAST(JSON_VALUE(generalinfo, '$.ReceivedDate') AS TIMESTAMP) AS received_at, /* ISO 8601 with Z: an instant on both engines, whatever the session time zone */
    @safe_int64(JSON_VALUE(generalinfo, '$.Status')) AS status_code,
    SAFE_CAST(JSON_VALUE(generalinfo, '$.HoldOrCancel') AS BOOL) AS is_on_hold_or_cancelled,
    NULLIF(@trim_whitespace(JSON_VALUE(generalinfo, '$.Source')), '') AS channel_source,
    NULLIF(@trim_whitespace(JSON_VALUE(generalinfo, '$.SubSource')), '') AS channel_subsource,
    NULLIF(@trim_whitespace(JSON_VALUE(generalinfo, '$.ReferenceNum')), '') AS reference_number,
    @safe_int64(JSON_VALUE(generalinfo, '$.NumItems')) AS item_count,
    NULLIF(@trim_whitespace(JSON_VALUE(customerinfo, '$.Address.FullName')), '') AS customer_name,
    NULLIF(LOWER(@trim_whitespace(JSON_VALUE(customerinfo, '$.Address.EmailAddress'))), '') AS customer_email,
    NULLIF(@trim_whitespace(JSON_VALUE(customerinfo, '$.Address.Country')), '') AS customer_country,
    NULLIF(UPPER(@trim_whitespace(JSON_VALUE(totalsinfo, '$.Currency'))), '') AS currency_code,
    ROUND(SAFE_CAST(JSON_VALUE(totalsinfo, '$.ConversionRate') AS NUMERIC(38, 9)), 6) AS conversion_rate, /* JSON numbers come as text: typed like the raw numbers (NUMERIC(38, 9)), then rounded; SAFE_CAST keeps its precision and scale where CAST would lose them */
    ROUND(SAFE_CAST(JSON_VALUE(totalsinfo, '$.Subtotal') AS NUMERIC(38, 9)), 2) AS subtotal,
    ROUND(SAFE_CAST(JSON_VALUE(totalsinfo, '$.PostageCost') AS NUMERIC(38, 9)), 2) AS postage_cost,
    ROUND(SAFE_CAST(JSON_VALUE(totalsinfo, '$.PostageCostExTax') AS NUMERIC(38, 9)), 2) AS postage_cost_ex_tax, /* PostageCost without its tax */
    ROUND(SAFE_CAST(JSON_VALUE(totalsinfo, '$.Tax') AS NUMERIC(38, 9)), 2) AS tax_amount,
    ROUND(SAFE_CAST(JSON_VALUE(totalsinfo, '$.TotalCharge') AS NUMERIC(38, 9)), 2) AS total_charge,
    ROUND(SAFE_CAST(JSON_VALUE(totalsinfo, '$.TotalDiscount') AS NUMERIC(38, 9)), 2) AS total_discount,
    ROUND(
      COALESCE(SAFE_CAST(JSON_VALUE(totalsinfo, '$.TotalRefunded') AS NUMERIC(38, 9)), 0),
      2
    ) AS total_refunded,
    ROUND(SAFE_CAST(JSON_VALUE(totalsinfo, '$.ProfitMargin') AS NUMERIC(38, 9)), 2) AS profit_margin,
    NULLIF(LOWER(@trim_whitespace(fulfilmentlocationid)), '') AS fulfilment_location_id,
    _airbyte_extracted_at AS extracted_at
  FROM source
)
SELECT
  order_id::STRING AS order_id, /* Linnworks order GUID (OrderId), lower case (stg_linnworks__processed_orders) */
  order_number::INT64 AS order_number, /* Linnworks order number (NumOrderId) */
  processed_at::TIMESTAMP AS processed_at, /* When the order was processed (UTC instant, ProcessedDateTime) */
  paid_at::TIMESTAMP AS paid_at, /* When the order was paid (UTC instant, PaidDateTime); NULL if never paid */
  received_at::TIMESTAMP AS received_at, /* When the channel received the order (UTC instant, GeneralInfo.ReceivedDate) */
  status_code::INT64 AS status_code, /* Linnworks order status (GeneralInfo.Status): 0 unpaid, 1 paid, 2 return, 3 pending, 4 resend */
  CASE status_code
    WHEN 0
    THEN 'unpaid'
    WHEN 1
    THEN 'paid'
    WHEN 2
    THEN 'returned'
    WHEN 3
    THEN 'pending'
    WHEN 4
    THEN 'resend'
    ELSE 'unknown'
  END::STRING AS order_status, /* status_code spelled out: unpaid, paid, returned, pending or resend; unknown for any other code */
  is_on_hold_or_cancelled::BOOL AS is_on_hold_or_cancelled, /* True when the order is on hold or cancelled (GeneralInfo.HoldOrCancel) */
  channel_source::STRING AS channel_source, /* Sales channel (GeneralInfo.Source), e.g. AMAZON, EBAY, SHOPIFY, DIRECT */
  channel_subsource::STRING AS channel_subsource, /* Channel account (GeneralInfo.SubSource), e.g. amazon.co.uk, EBAY0 */
  reference_number::STRING AS reference_number, /* The channel's order reference (GeneralInfo.ReferenceNum); NULL if empty */
  item_count::INT64 AS item_count, /* Units in the order over all lines (GeneralInfo.NumItems) */
  customer_name::STRING AS customer_name, /* Customer's full name (CustomerInfo.Address.FullName); NULL if empty */
  customer_email::STRING AS customer_email, /* Customer's e-mail, trimmed and lower-cased (CustomerInfo.Address.EmailAddress); NULL if empty */
  customer_country::STRING AS customer_country, /* Customer's country name (CustomerInfo.Address.Country), e.g. United Kingdom */
  currency_code::STRING AS currency_code, /* ISO currency of the order's amounts (TotalsInfo.Currency), e.g. GBP, EUR, USD */
  SAFE_CAST(conversion_rate AS NUMERIC(18, 6)) AS conversion_rate, /* amount x conversion_rate = amount in the account's base currency (TotalsInfo.ConversionRate); 1 for orders in the base currency. SAFE_CAST: a CAST would lose the (18, 6) on DuckDB */
  subtotal::NUMERIC(18, 2) AS subtotal, /* Value of the lines ex tax, before discount, in currency_code (TotalsInfo.Subtotal) */
  postage_cost::NUMERIC(18, 2) AS postage_cost, /* Postage charged, tax included, in currency_code (TotalsInfo.PostageCost) */
  postage_cost_ex_tax::NUMERIC(18, 2) AS postage_cost_ex_tax, /* Postage charged ex tax in currency_code (TotalsInfo.PostageCostExTax) */
  tax_amount::NUMERIC(18, 2) AS tax_amount, /* Tax on the lines and postage in currency_code (TotalsInfo.Tax) */
  total_charge::NUMERIC(18, 2) AS total_charge, /* Order total in currency_code = subtotal - total_discount + postage_cost_ex_tax + tax_amount (TotalsInfo.TotalCharge) */
  total_discount::NUMERIC(18, 2) AS total_discount, /* Discount over all lines in currency_code (TotalsInfo.TotalDiscount) */
  total_refunded::NUMERIC(18, 2) AS total_refunded, /* Amount refunded in currency_code (TotalsInfo.TotalRefunded); 0 if none or not given */
  profit_margin::NUMERIC(18, 2) AS profit_margin, /* Subtotal - discount - cost of the goods, in currency_code (TotalsInfo.ProfitMargin) */
  fulfilment_location_id::STRING AS fulfilment_location_id, /* GUID of the location the order was fulfilled from, lower case; NULL if not given */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the order (UTC) */
FROM renamed

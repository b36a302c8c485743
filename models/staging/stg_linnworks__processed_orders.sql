/* Linnworks processed orders as the order search lists them: one row per order, as of its latest extraction at or before the pinned load (the connector's date windows share their bounds, so an order processed on a bound is read twice: the latest read wins). Amounts are in the order's own currency. No personal data beyond the customer's country: names, e-mails, phones and addresses stay in raw (stg_linnworks__order_details has the e-mail that keys customers). */
MODEL (
  name staging.stg_linnworks__processed_orders,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain order_id,
  columns (
    order_id STRING,
    order_number INT64,
    received_at TIMESTAMP,
    processed_at TIMESTAMP,
    paid_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    is_cancelled BOOL,
    is_resend BOOL,
    channel_source STRING,
    channel_subsource STRING,
    currency_code STRING,
    total_charge NUMERIC(18, 2),
    subtotal NUMERIC(18, 2),
    tax_amount NUMERIC(18, 2),
    postage_cost NUMERIC(18, 2),
    postage_cost_ex_tax NUMERIC(18, 2),
    total_discount NUMERIC(18, 2),
    profit_margin NUMERIC(18, 2),
    country STRING,
    fulfilment_location_name STRING,
    extracted_at TIMESTAMP
  ),
  tags (linnworks, staging),
  audits (
    not_null(columns := [order_id, order_number, processed_at, extracted_at]),
    unique_values(columns := [order_id]),
    unique_values(columns := [order_number]),
    not_null_non_blocking(columns := [received_at, currency_code, total_charge]),
    accepted_values_non_blocking(column := currency_code, is_in := ['GBP', 'EUR', 'USD']),
    accepted_range_non_blocking(column := total_charge, min_v := 0)
  )
);

WITH source AS (
  /* Incremental syncs append the orders of each date window, bounds included: keep the latest extraction up to the pinned load. */
  SELECT
    pkorderid,
    norderid,
    dreceiveddate,
    dprocessedon,
    dpaidon,
    dcancelledon,
    nstatus,
    isresend,
    source,
    subsource,
    ccurrency,
    ftotalcharge,
    subtotal,
    ftax,
    fpostagecost,
    postagecostextax,
    totaldiscount,
    profitmargin,
    ccountry,
    fulfilmentlocationname,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_linnworks.processed_orders, norderid, @loaded_through_linnworks)
), renamed AS (
  SELECT
    LOWER(@trim_whitespace(pkorderid)) AS order_id,
    norderid AS order_number,
    dreceiveddate AS received_at,
    dprocessedon AS processed_at,
    dpaidon AS paid_at,
    dcancelledon AS cancelled_at,
    NOT dcancelledon IS NULL AS is_cancelled,
    COALESCE(isresend, nstatus = 4) AS is_resend, /* the search row often leaves IsResend out: status 4 (RESEND) says the same */
    NULLIF(@trim_whitespace(source), '') AS channel_source,
    NULLIF(@trim_whitespace(subsource), '') AS channel_subsource,
    NULLIF(UPPER(@trim_whitespace(ccurrency)), '') AS currency_code,
    ROUND(ftotalcharge, 2) AS total_charge, /* Round here and declare `columns`: a query with a macro is re-rendered through BigQuery SQL, which drops the (18, 2) from every CAST */
    ROUND(subtotal, 2) AS subtotal,
    ROUND(ftax, 2) AS tax_amount,
    ROUND(fpostagecost, 2) AS postage_cost,
    ROUND(postagecostextax, 2) AS postage_cost_ex_tax,
    ROUND(totaldiscount, 2) AS total_discount,
    ROUND(profitmargin, 2) AS profit_margin,
    NULLIF(@trim_whitespace(ccountry), '') AS country,
    NULLIF(@trim_whitespace(fulfilmentlocationname), '') AS fulfilment_location_name,
    _airbyte_extracted_at AS extracted_at
  FROM source
)
SELECT
  order_id::STRING AS order_id, /* Linnworks order GUID (pkOrderID), lower case */
  order_number::INT64 AS order_number, /* Linnworks order number (nOrderId) */
  received_at::TIMESTAMP AS received_at, /* When the channel received the order (UTC instant, dReceivedDate) */
  processed_at::TIMESTAMP AS processed_at, /* When the order was processed (UTC instant, dProcessedOn) */
  paid_at::TIMESTAMP AS paid_at, /* When the order was paid (UTC instant, dPaidOn); NULL if never paid */
  cancelled_at::TIMESTAMP AS cancelled_at, /* When the order was cancelled (UTC instant, dCancelledOn); NULL if not cancelled */
  is_cancelled::BOOL AS is_cancelled, /* True when the order was cancelled (cancelled_at is set) */
  is_resend::BOOL AS is_resend, /* True for a resend of an earlier order (IsResend, else status 4 RESEND) */
  channel_source::STRING AS channel_source, /* Sales channel (Source), e.g. AMAZON, EBAY, SHOPIFY, DIRECT */
  channel_subsource::STRING AS channel_subsource, /* Channel account (SubSource), e.g. amazon.co.uk, EBAY0 */
  currency_code::STRING AS currency_code, /* ISO currency of the order's amounts (cCurrency), e.g. GBP, EUR, USD */
  total_charge::NUMERIC(18, 2) AS total_charge, /* Order total charged in currency_code = subtotal - total_discount + postage_cost_ex_tax + tax_amount (fTotalCharge) */
  subtotal::NUMERIC(18, 2) AS subtotal, /* Value of the lines ex tax, before discount, in currency_code (Subtotal) */
  tax_amount::NUMERIC(18, 2) AS tax_amount, /* Tax on the lines and postage in currency_code (fTax) */
  postage_cost::NUMERIC(18, 2) AS postage_cost, /* Postage charged, tax included, in currency_code (fPostageCost) */
  postage_cost_ex_tax::NUMERIC(18, 2) AS postage_cost_ex_tax, /* Postage charged ex tax in currency_code (PostageCostExTax) */
  total_discount::NUMERIC(18, 2) AS total_discount, /* Discount over all lines in currency_code (TotalDiscount) */
  profit_margin::NUMERIC(18, 2) AS profit_margin, /* Subtotal - discount - cost of the goods, in currency_code (ProfitMargin) */
  country::STRING AS country, /* Customer's country name (cCountry), e.g. United Kingdom */
  fulfilment_location_name::STRING AS fulfilment_location_name, /* Name of the location the order was fulfilled from; NULL if not given */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the order (UTC) */
FROM renamed

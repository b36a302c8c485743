/* Linnworks order lines: one row per element of the items array (Items) of the latest version of each order's details at or before the pinned load (the orders of stg_linnworks__order_details), numbered by their position in the array. Amounts are in the order's currency. */
MODEL (
  name staging.stg_linnworks__order_lines,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain (order_id, line_number),
  columns (
    order_id STRING,
    line_number INT64,
    order_line_id STRING,
    stock_item_id STRING,
    stock_item_int_id INT64,
    sku STRING,
    item_title STRING,
    barcode STRING,
    quantity INT64,
    unit_price NUMERIC(18, 2),
    unit_cost NUMERIC(18, 2),
    line_amount NUMERIC(18, 2),
    discount_amount NUMERIC(18, 2),
    tax_amount NUMERIC(18, 2),
    tax_rate NUMERIC(18, 2),
    line_total NUMERIC(18, 2),
    item_source STRING,
    currency_code STRING,
    extracted_at TIMESTAMP
  ),
  tags (linnworks, staging),
  audits (
    not_null(columns := [order_id, line_number, extracted_at]),
    unique_combination_of_columns(columns := [order_id, line_number]),
    not_null_non_blocking(columns := [stock_item_id, quantity, unit_price, line_total]),
    accepted_range_non_blocking(column := quantity, min_v := 1),
    accepted_range_non_blocking(column := unit_price, min_v := 0)
  )
);

WITH source AS (
  /* Same pinning and deduplication as stg_linnworks__order_details, so the lines belong to the order versions staged there. */
  SELECT
    orderid,
    totalsinfo,
    items,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_linnworks.processed_order_details, numorderid, @loaded_through_linnworks)
), unnested AS (
  /* One row per element of the items array, numbered from 1 (ORDINAL is 1-based on both engines, unlike UNNEST ... WITH OFFSET, which sqlglot turns into DuckDB's 1-based WITH ORDINALITY without the shift); an order with an empty array has no lines. */
  SELECT
    LOWER(@trim_whitespace(source.orderid)) AS order_id,
    line_number,
    JSON_QUERY_ARRAY(source.items, '$')[ORDINAL(line_number)] AS line,
    NULLIF(UPPER(@trim_whitespace(JSON_VALUE(source.totalsinfo, '$.Currency'))), '') AS currency_code,
    source._airbyte_extracted_at AS extracted_at
  FROM source
  CROSS JOIN UNNEST(GENERATE_ARRAY(1, ARRAY_LENGTH(JSON_QUERY_ARRAY(source.items, '$')))) AS line_number
), renamed AS (
  SELECT
    order_id,
    line_number,
    LOWER(@trim_whitespace(JSON_VALUE(line, '$.RowId'))) AS order_line_id,
    LOWER(@trim_whitespace(JSON_VALUE(line, '$.StockItemId'))) AS stock_item_id,
    @safe_int64(JSON_VALUE(line, '$.StockItemIntId')) AS stock_item_int_id,
    @trim_whitespace(JSON_VALUE(line, '$.SKU')) AS sku,
    @trim_whitespace(JSON_VALUE(line, '$.ItemTitle')) AS item_title,
    NULLIF(@trim_whitespace(JSON_VALUE(line, '$.BarcodeNumber')), '') AS barcode,
    @safe_int64(JSON_VALUE(line, '$.Quantity')) AS quantity,
    ROUND(SAFE_CAST(JSON_VALUE(line, '$.PricePerUnit') AS NUMERIC(38, 9)), 2) AS unit_price, /* JSON numbers come as text: typed like the raw numbers (NUMERIC(38, 9)), then rounded to the cent; SAFE_CAST keeps its (38, 9) where CAST would lose it */
    ROUND(SAFE_CAST(JSON_VALUE(line, '$.UnitCost') AS NUMERIC(38, 9)), 2) AS unit_cost,
    ROUND(SAFE_CAST(JSON_VALUE(line, '$.Cost') AS NUMERIC(38, 9)), 2) AS line_amount,
    ROUND(COALESCE(SAFE_CAST(JSON_VALUE(line, '$.Discount') AS NUMERIC(38, 9)), 0), 2) AS discount_amount,
    ROUND(SAFE_CAST(JSON_VALUE(line, '$.Tax') AS NUMERIC(38, 9)), 2) AS tax_amount,
    ROUND(SAFE_CAST(JSON_VALUE(line, '$.TaxRate') AS NUMERIC(38, 9)), 2) AS tax_rate,
    ROUND(SAFE_CAST(JSON_VALUE(line, '$.CostIncTax') AS NUMERIC(38, 9)), 2) AS line_total,
    NULLIF(@trim_whitespace(JSON_VALUE(line, '$.ItemSource')), '') AS item_source,
    currency_code,
    extracted_at
  FROM unnested
)
SELECT
  order_id::STRING AS order_id, /* Linnworks order GUID, lower case (stg_linnworks__order_details) */
  line_number::INT64 AS line_number, /* 1-based position of the item in the order's items array */
  order_line_id::STRING AS order_line_id, /* Linnworks order line GUID (RowId), lower case */
  stock_item_id::STRING AS stock_item_id, /* Linnworks stock item GUID (StockItemId), lower case (stg_linnworks__stock_items) */
  stock_item_int_id::INT64 AS stock_item_int_id, /* Linnworks integer stock item id (StockItemIntId) */
  sku::STRING AS sku, /* Seller's SKU as on the order (SKU) */
  item_title::STRING AS item_title, /* Item title as on the order (ItemTitle) */
  barcode::STRING AS barcode, /* EAN barcode as text (BarcodeNumber); NULL if empty */
  quantity::INT64 AS quantity, /* Units ordered (Quantity) */
  unit_price::NUMERIC(18, 2) AS unit_price, /* Price of one unit ex tax in currency_code (PricePerUnit) */
  unit_cost::NUMERIC(18, 2) AS unit_cost, /* Cost of one unit in currency_code: the item's purchase price converted (UnitCost) */
  line_amount::NUMERIC(18, 2) AS line_amount, /* quantity x unit_price, ex tax, before discount, in currency_code (Cost) */
  discount_amount::NUMERIC(18, 2) AS discount_amount, /* Discount on the line in currency_code (Discount); 0 if none */
  tax_amount::NUMERIC(18, 2) AS tax_amount, /* Tax on the line after discount in currency_code (Tax) */
  tax_rate::NUMERIC(18, 2) AS tax_rate, /* Tax rate of the line in percent (TaxRate), e.g. 20.00 */
  line_total::NUMERIC(18, 2) AS line_total, /* Line total in currency_code = line_amount - discount_amount + tax_amount (CostIncTax) */
  item_source::STRING AS item_source, /* Channel the line was sold on (ItemSource), e.g. AMAZON */
  currency_code::STRING AS currency_code, /* ISO currency of the line's amounts: the order's (TotalsInfo.Currency) */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the order (UTC) */
FROM renamed

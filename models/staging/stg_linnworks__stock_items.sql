/* Linnworks stock items: one row per stock item (the seller's catalogue), as of its latest extraction at or before the pinned load. Prices are in the account's base currency (the variable linnworks_base_currency: the API does not carry it). The stock levels of every read are in stg_linnworks__stock_levels. */
MODEL (
  name staging.stg_linnworks__stock_items,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain stock_item_id,
  columns (
    stock_item_id STRING,
    stock_item_int_id INT64,
    sku STRING,
    item_title STRING,
    barcode STRING,
    category_name STRING,
    purchase_price NUMERIC(18, 2),
    retail_price NUMERIC(18, 2),
    tax_rate NUMERIC(18, 2),
    currency_code STRING,
    weight NUMERIC(18, 3),
    created_at TIMESTAMP,
    extracted_at TIMESTAMP
  ),
  tags (linnworks, staging),
  audits (
    not_null(columns := [stock_item_id, stock_item_int_id, currency_code, extracted_at]),
    unique_values(columns := [stock_item_id]),
    unique_values(columns := [stock_item_int_id]),
    not_null_non_blocking(columns := [sku, item_title, purchase_price, retail_price]),
    accepted_range_non_blocking(column := purchase_price, min_v := 0),
    accepted_range_non_blocking(column := retail_price, min_v := 0)
  )
);

WITH source AS (
  /* Every sync re-reads every item (full refresh): keep the latest extraction up to the pinned load. */
  SELECT
    stockitemid,
    stockitemintid,
    itemnumber,
    itemtitle,
    barcodenumber,
    categoryname,
    purchaseprice,
    retailprice,
    taxrate,
    weight,
    creationdate,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_linnworks.stock_items, stockitemintid, @loaded_through_linnworks)
), renamed AS (
  SELECT
    LOWER(@trim_whitespace(stockitemid)) AS stock_item_id,
    stockitemintid AS stock_item_int_id,
    @trim_whitespace(itemnumber) AS sku,
    @trim_whitespace(itemtitle) AS item_title,
    NULLIF(@trim_whitespace(barcodenumber), '') AS barcode,
    NULLIF(@trim_whitespace(categoryname), '') AS category_name,
    ROUND(purchaseprice, 2) AS purchase_price, /* Round here and declare `columns`: a query with a macro is re-rendered through BigQuery SQL, which drops the (18, 2) from every CAST */
    ROUND(retailprice, 2) AS retail_price,
    ROUND(taxrate, 2) AS tax_rate,
    ROUND(weight, 3) AS weight,
    @linnworks_base_currency AS currency_code,
    creationdate AS created_at,
    _airbyte_extracted_at AS extracted_at
  FROM source
)
SELECT
  stock_item_id::STRING AS stock_item_id, /* Linnworks stock item GUID (StockItemId), lower case */
  stock_item_int_id::INT64 AS stock_item_int_id, /* Linnworks integer stock item id (StockItemIntId) */
  sku::STRING AS sku, /* Seller's SKU (ItemNumber), e.g. MUG-SAG-0001 */
  item_title::STRING AS item_title, /* Item title */
  barcode::STRING AS barcode, /* EAN barcode as text (leading zeros kept); NULL if empty */
  category_name::STRING AS category_name, /* Linnworks category name; NULL if none */
  purchase_price::NUMERIC(18, 2) AS purchase_price, /* Purchase price ex VAT in currency_code (PurchasePrice) */
  retail_price::NUMERIC(18, 2) AS retail_price, /* Retail price ex VAT in currency_code (RetailPrice) */
  tax_rate::NUMERIC(18, 2) AS tax_rate, /* VAT rate in percent, e.g. 20.00 */
  currency_code::STRING AS currency_code, /* Currency of the prices: the account's base currency (variable linnworks_base_currency, default GBP) */
  weight::NUMERIC(18, 3) AS weight, /* Item weight as recorded in Linnworks; NULL if not given */
  created_at::TIMESTAMP AS created_at, /* When the item was created in Linnworks (UTC instant, CreationDate) */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the item (UTC) */
FROM renamed

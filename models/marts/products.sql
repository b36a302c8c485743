/* Conformed products: one row per product per source, keyed by a source-prefixed key so sources never collide. FakeStore products are priced in USD, TinyERP products in BRL (their list price, with their cost price), Linnworks stock items in the account's base currency (retail and purchase price, ex VAT), thelook products in USD (retail price and cost). */
MODEL (
  name marts.products,
  kind FULL,
  owner analytics_engineering,
  cron '@daily',
  grain product_key,
  tags (marts, conformed),
  audits (
    not_null(columns := [product_key, source, source_product_id]),
    unique_values(columns := [product_key]),
    assert_key_prefixed_by_source(key_column := product_key),
    not_null_non_blocking(columns := [product_name, unit_price]),
    accepted_range_non_blocking(column := unit_price, min_v := 0),
    accepted_range_non_blocking(column := unit_cost, min_v := 0)
  )
);

WITH unioned AS (
  /* FakeStore */
  SELECT
    'fakestore' AS source,
    product_id::STRING AS source_product_id,
    NULL AS sku,
    NULL AS barcode,
    title AS product_name,
    description,
    category,
    image_url,
    price AS unit_price,
    NULL AS unit_cost,
    'USD' AS currency_code,
    rating_rate AS rating,
    rating_count,
    extracted_at
  FROM staging.stg_fakestore__products
  UNION ALL
  /* TinyERP: no images or ratings in the API v2 detail; the category is the top of its "Parent >> Child" path */
  SELECT
    'tinyerp' AS source,
    product_id::STRING AS source_product_id,
    sku,
    gtin AS barcode,
    product_name,
    NULL AS description,
    top_category AS category,
    NULL AS image_url,
    list_price AS unit_price,
    cost_price AS unit_cost,
    'BRL' AS currency_code,
    NULL AS rating,
    NULL AS rating_count,
    extracted_at
  FROM staging.stg_tinyerp__products
  UNION ALL
  /* Linnworks stock items: retail and purchase price ex VAT, in the account's base currency */
  SELECT
    'linnworks' AS source,
    stock_item_id AS source_product_id,
    sku,
    barcode,
    item_title AS product_name,
    NULL AS description,
    category_name AS category,
    NULL AS image_url,
    retail_price AS unit_price,
    purchase_price AS unit_cost,
    currency_code,
    NULL AS rating,
    NULL AS rating_count,
    extracted_at
  FROM staging.stg_linnworks__stock_items
  UNION ALL
  /* thelook: retail price and cost in USD; the public set keeps no load time */
  SELECT
    'thelook' AS source,
    product_id::STRING AS source_product_id,
    sku,
    NULL AS barcode,
    product_name,
    NULL AS description,
    category,
    NULL AS image_url,
    retail_price AS unit_price,
    cost AS unit_cost,
    'USD' AS currency_code,
    NULL AS rating,
    NULL AS rating_count,
    NULL AS extracted_at
  FROM staging.stg_thelook__products
)
SELECT
  CONCAT(source, ':', source_product_id)::STRING AS product_key, /* Source-prefixed product key, e.g. fakestore:5, tinyerp:512300109, linnworks:<stock item GUID> */
  source::STRING AS source, /* Source system the row comes from */
  source_product_id::STRING AS source_product_id, /* Product id in the source system */
  sku::STRING AS sku, /* Seller's product code (SKU) where the source has one (TinyERP codigo, Linnworks ItemNumber) */
  barcode::STRING AS barcode, /* GTIN/EAN barcode as text (leading zeros kept) where the source has one (TinyERP gtin, Linnworks BarcodeNumber) */
  product_name::STRING AS product_name, /* Product name */
  description::STRING AS description, /* Product description */
  category::STRING AS category, /* Category name as the source spells it (TinyERP: the top of its category path) */
  image_url::STRING AS image_url, /* URL of the product image */
  ROUND(unit_price, 2)::NUMERIC(18, 2) AS unit_price, /* Current list price, in currency_code (Linnworks: retail price ex VAT) */
  ROUND(unit_cost, 2)::NUMERIC(18, 2) AS unit_cost, /* What one unit costs the seller (TinyERP cost price, Linnworks purchase price), in currency_code; NULL for sources without cost (FakeStore) */
  currency_code::STRING AS currency_code, /* ISO 4217 currency of unit_price and unit_cost: USD for FakeStore, BRL for TinyERP, the account's base currency for Linnworks */
  rating::FLOAT64 AS rating, /* Average customer rating, 0 to 5 */
  rating_count::INT64 AS rating_count, /* Number of customer ratings */
  extracted_at::TIMESTAMP AS loaded_at /* When this version of the product was extracted from the source (UTC) */
FROM unioned

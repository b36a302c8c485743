/* Conformed products: one row per product per source, keyed by a source-prefixed key so sources never collide. FakeStore is the only source so far. */
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
    accepted_range_non_blocking(column := unit_price, min_v := 0)
  )
);

WITH fakestore_products AS (
  SELECT
    product_id,
    title,
    description,
    category,
    image_url,
    price,
    rating_rate,
    rating_count,
    extracted_at
  FROM staging.stg_fakestore__products
)
SELECT
  CONCAT('fakestore:', product_id::STRING)::STRING AS product_key, /* Source-prefixed product key, e.g. fakestore:5 */
  'fakestore'::STRING AS source, /* Source system the row comes from */
  product_id::STRING AS source_product_id, /* Product id in the source system */
  title::STRING AS product_name, /* Product name */
  description::STRING AS description, /* Product description */
  category::STRING AS category, /* Category name as the source spells it */
  image_url::STRING AS image_url, /* URL of the product image */
  price::NUMERIC(18, 2) AS unit_price, /* Current list price, in currency_code */
  'USD'::STRING AS currency_code, /* ISO 4217 currency of unit_price; FakeStore prices are US dollars */
  rating_rate::FLOAT64 AS rating, /* Average customer rating, 0 to 5 */
  rating_count::INT64 AS rating_count, /* Number of customer ratings */
  extracted_at::TIMESTAMP AS loaded_at /* When this version of the product was extracted from the source (UTC) */
FROM fakestore_products

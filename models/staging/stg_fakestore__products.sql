/* FakeStore products: one row per product, as of its latest extraction at or before the pinned load. */
MODEL (
  name staging.stg_fakestore__products,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain product_id,
  columns (
    product_id INT64,
    title STRING,
    description STRING,
    category STRING,
    image_url STRING,
    price NUMERIC(18, 2),
    rating_rate FLOAT64,
    rating_count INT64,
    extracted_at TIMESTAMP
  ),
  tags (fakestore, staging),
  audits (
    not_null(columns := [product_id, extracted_at]),
    unique_values(columns := [product_id]),
    not_null_non_blocking(columns := [title, price]),
    accepted_range_non_blocking(column := price, min_v := 0),
    accepted_range_non_blocking(column := rating_rate, min_v := 0, max_v := 5)
  )
);

WITH source AS (
  /* Every sync re-appends every product: keep the latest extraction up to the pinned load. */
  SELECT
    id,
    title,
    price,
    description,
    category,
    image,
    rating,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_fakestore.products, id, @loaded_through_fakestore)
), renamed AS (
  SELECT
    id AS product_id,
    @trim_whitespace(title) AS title, /* the API serves some titles with trailing spaces */
    @trim_whitespace(description) AS description,
    @trim_whitespace(category) AS category,
    @trim_whitespace(image) AS image_url,
    ROUND(price, 2) AS price, /* Round here and declare `columns`: a query with a macro is re-rendered through BigQuery SQL, which drops the (18, 2) from every CAST */
    JSON_VALUE(rating, '$.rate') AS rating_rate,
    JSON_VALUE(rating, '$.count') AS rating_count,
    _airbyte_extracted_at AS extracted_at
  FROM source
)
SELECT
  product_id::INT64 AS product_id, /* FakeStore product id */
  title::STRING AS title, /* Product title, trimmed */
  description::STRING AS description, /* Product description */
  category::STRING AS category, /* Category name as served, e.g. "men's clothing", "jewelery" */
  image_url::STRING AS image_url, /* URL of the product image */
  price::NUMERIC(18, 2) AS price, /* List price in USD with two decimals (an integral 695 becomes 695.00) */
  SAFE_CAST(rating_rate AS FLOAT64) AS rating_rate, /* Average customer rating, 0 to 5; NULL if missing or not numeric */
  @safe_int64(rating_count) AS rating_count, /* Number of ratings; NULL if missing or not an integer */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the product (UTC) */
FROM renamed

/* FakeStore cart lines: one row per product in the latest version of each cart at or before the pinned load. A product listed twice in one cart is one line with the quantities summed. A line whose productId or quantity is not an integer is left out here and kept in stg_fakestore__quarantine with the reason. */
MODEL (
  name staging.stg_fakestore__cart_lines,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain (cart_id, product_id),
  tags (fakestore, staging),
  audits (
    not_null(columns := [cart_id, product_id, line_number, extracted_at]),
    unique_combination_of_columns(columns := [cart_id, product_id]),
    unique_combination_of_columns(columns := [cart_id, line_number]),
    not_null_non_blocking(columns := [quantity]),
    accepted_range_non_blocking(column := quantity, min_v := 1)
  )
);

WITH source AS (
  /* Same pinning and deduplication as stg_fakestore__carts, so the lines belong to the cart versions staged there. */
  SELECT
    id,
    products,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_fakestore.carts, id, @loaded_through_fakestore)
), unnested AS (
  /* One row per element of the products array; a cart with an empty array has no lines. */
  SELECT
    source.id AS cart_id,
    @safe_int64(JSON_VALUE(line, '$.productId')) AS product_id,
    @safe_int64(JSON_VALUE(line, '$.quantity')) AS quantity,
    source._airbyte_extracted_at AS extracted_at
  FROM source
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(source.products, '$')) AS line
  WHERE
    COALESCE(
      @json_integer_problem(line, '$.productId', 'productId'),
      @json_integer_problem(line, '$.quantity', 'quantity')
    ) IS NULL
), summed AS (
  SELECT
    cart_id,
    product_id,
    SUM(quantity) AS quantity,
    extracted_at
  FROM unnested
  GROUP BY
    cart_id,
    product_id,
    extracted_at
)
SELECT
  cart_id::INT64 AS cart_id, /* FakeStore cart id */
  ROW_NUMBER() OVER (PARTITION BY cart_id ORDER BY product_id)::INT64 AS line_number, /* 1-based position of the line in its cart, ordered by product id */
  product_id::INT64 AS product_id, /* FakeStore product id */
  quantity::INT64 AS quantity, /* Units of the product in the cart, summed over repeated entries */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the cart (UTC) */
FROM summed

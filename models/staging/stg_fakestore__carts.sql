/* FakeStore carts: one row per cart, as of its latest extraction at or before the pinned load. The product lines are in stg_fakestore__cart_lines. */
MODEL (
  name staging.stg_fakestore__carts,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain cart_id,
  tags (fakestore, staging),
  audits (
    not_null(columns := [cart_id, extracted_at]),
    unique_values(columns := [cart_id]),
    not_null_non_blocking(columns := [user_id, ordered_at])
  )
);

WITH source AS (
  /* Incremental syncs re-append the carts inside their lookback: keep the latest extraction up to the pinned load. */
  SELECT
    id,
    userid,
    date,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_fakestore.carts, id, @loaded_through_fakestore)
), renamed AS (
  SELECT
    id AS cart_id,
    userid AS user_id,
    date AS ordered_at,
    _airbyte_extracted_at AS extracted_at
  FROM source
)
SELECT
  cart_id::INT64 AS cart_id, /* FakeStore cart id */
  user_id::INT64 AS user_id, /* Id of the user who owns the cart */
  ordered_at::TIMESTAMP AS ordered_at, /* Cart date (UTC); the API only records the day, at midnight */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the cart (UTC) */
FROM renamed

/* FakeStore records that could not be typed, with the reason: nothing is dropped silently. Today: cart lines whose productId or quantity is missing or not an integer (left out of stg_fakestore__cart_lines). */
MODEL (
  name staging.stg_fakestore__quarantine,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain (stream, record_id, reason, record),
  tags (fakestore, staging, quarantine),
  audits (
    not_null(columns := [source, stream, record_id, reason, record])
  )
);

WITH carts AS (
  /* The cart versions stg_fakestore__cart_lines reads: same pinning and deduplication. */
  SELECT
    id,
    products,
    _airbyte_extracted_at
  FROM raw_fakestore.carts
  WHERE
    _airbyte_extracted_at <= TIMESTAMP(@loaded_through_fakestore)
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, _airbyte_raw_id DESC) = 1
), cart_lines AS (
  SELECT
    carts.id AS cart_id,
    TO_JSON_STRING(line) AS record,
    COALESCE(
      @json_integer_problem(line, '$.productId', 'productId'),
      @json_integer_problem(line, '$.quantity', 'quantity')
    ) AS reason,
    carts._airbyte_extracted_at AS extracted_at
  FROM carts
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(carts.products, '$')) AS line
)
SELECT
  'fakestore'::STRING AS source, /* Source system */
  'carts.products'::STRING AS stream, /* Stream (and nested field) the record came from */
  cart_id::STRING AS record_id, /* Id of the enclosing record (the cart) */
  reason::STRING AS reason, /* Why the record could not be typed */
  record::STRING AS record, /* The record as received (JSON) */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted it (UTC) */
FROM cart_lines
WHERE
  NOT reason IS NULL

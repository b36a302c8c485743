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

WITH cart_lines AS (
  /* The lines of the cart versions stg_fakestore__cart_lines reads: same pinning and deduplication. */
  SELECT
    carts.id AS cart_id,
    TO_JSON_STRING(line) AS record,
    COALESCE(
      @json_integer_problem(line, '$.productId', 'productId'),
      @json_integer_problem(line, '$.quantity', 'quantity')
    ) AS reason,
    carts._airbyte_extracted_at AS extracted_at
  FROM @latest_loaded(raw_fakestore.carts, id, @loaded_through_fakestore) AS carts
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

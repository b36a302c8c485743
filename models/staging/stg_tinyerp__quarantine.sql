/* TinyERP records that could not be typed, with the reason: nothing is dropped silently. One row per latest version (up to the pinned load) of an order, POS sale, product or contact whose _coercion_errors list is not empty: the connector could not type some of its values (they arrive NULL and are listed there, raw). These records are left out of the other stg_tinyerp__ models. */
MODEL (
  name staging.stg_tinyerp__quarantine,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain (stream, record_id, reason, record),
  tags (tinyerp, staging, quarantine),
  audits (
    not_null(columns := [source, stream, record_id, reason, record])
  )
);

WITH orders AS (
  /* The versions the stg_tinyerp__ models read: same pinning and deduplication. */
  SELECT
    id,
    _coercion_errors,
    _airbyte_extracted_at
  FROM raw_tinyerp.orders
  WHERE
    _airbyte_extracted_at <= TIMESTAMP(@loaded_through_tinyerp)
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, _airbyte_raw_id DESC) = 1
), pos_sales AS (
  SELECT
    id,
    _coercion_errors,
    _airbyte_extracted_at
  FROM raw_tinyerp.pos_sales
  WHERE
    _airbyte_extracted_at <= TIMESTAMP(@loaded_through_tinyerp)
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, _airbyte_raw_id DESC) = 1
), products AS (
  SELECT
    id,
    _coercion_errors,
    _airbyte_extracted_at
  FROM raw_tinyerp.products
  WHERE
    _airbyte_extracted_at <= TIMESTAMP(@loaded_through_tinyerp)
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, _airbyte_raw_id DESC) = 1
), contacts AS (
  SELECT
    id,
    _coercion_errors,
    _airbyte_extracted_at
  FROM raw_tinyerp.contacts
  WHERE
    _airbyte_extracted_at <= TIMESTAMP(@loaded_through_tinyerp)
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY id ORDER BY _airbyte_extracted_at DESC, _airbyte_raw_id DESC) = 1
), latest_versions AS (
  SELECT
    'orders' AS stream,
    id,
    _coercion_errors,
    _airbyte_extracted_at
  FROM orders
  UNION ALL
  SELECT
    'pos_sales' AS stream,
    id,
    _coercion_errors,
    _airbyte_extracted_at
  FROM pos_sales
  UNION ALL
  SELECT
    'products' AS stream,
    id,
    _coercion_errors,
    _airbyte_extracted_at
  FROM products
  UNION ALL
  SELECT
    'contacts' AS stream,
    id,
    _coercion_errors,
    _airbyte_extracted_at
  FROM contacts
), errors AS (
  /* One row per coercion error, numbered by its position in the list so the reason keeps the connector's order; a version without errors has no rows. */
  SELECT
    latest_versions.stream,
    latest_versions.id,
    TO_JSON_STRING(latest_versions._coercion_errors) AS record,
    error_number,
    JSON_QUERY_ARRAY(latest_versions._coercion_errors, '$')[ORDINAL(error_number)] AS error,
    latest_versions._airbyte_extracted_at AS extracted_at
  FROM latest_versions
  CROSS JOIN UNNEST(GENERATE_ARRAY(1, ARRAY_LENGTH(JSON_QUERY_ARRAY(latest_versions._coercion_errors, '$')))) AS error_number
), messages AS (
  /* e.g. "total_pedido: expected number, got 'abc'" */
  SELECT
    stream,
    id,
    record,
    error_number,
    CONCAT(
      COALESCE(JSON_VALUE(error, '$.field'), '?'),
      ': expected ',
      COALESCE(JSON_VALUE(error, '$.expected'), '?'),
      ', got \'',
      COALESCE(JSON_VALUE(error, '$.value'), ''),
      '\''
    ) AS message,
    extracted_at
  FROM errors
), reasons AS (
  /* The errors of one record, joined with "; " in the connector's order. */
  SELECT
    stream,
    id,
    STRING_AGG(message, '; '
    ORDER BY
      error_number) AS reason,
    record,
    extracted_at
  FROM messages
  GROUP BY
    stream,
    id,
    record,
    extracted_at
)
SELECT
  'tinyerp'::STRING AS source, /* Source system */
  stream::STRING AS stream, /* Stream the record came from: orders, pos_sales, products or contacts */
  id::STRING AS record_id, /* Id of the record in its stream */
  reason::STRING AS reason, /* Why the record could not be typed: each field, the type expected and the value received */
  record::STRING AS record, /* The connector's list of coercion errors (JSON): field, raw value and expected type */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the record (UTC) */
FROM reasons

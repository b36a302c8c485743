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

WITH latest_versions AS (
  /* The versions the stg_tinyerp__ models read: same pinning and deduplication. */
  SELECT
    'orders' AS stream,
    id,
    _coercion_errors,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_tinyerp.orders, id, @loaded_through_tinyerp)
  UNION ALL
  SELECT
    'pos_sales' AS stream,
    id,
    _coercion_errors,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_tinyerp.pos_sales, id, @loaded_through_tinyerp)
  UNION ALL
  SELECT
    'products' AS stream,
    id,
    _coercion_errors,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_tinyerp.products, id, @loaded_through_tinyerp)
  UNION ALL
  SELECT
    'contacts' AS stream,
    id,
    _coercion_errors,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_tinyerp.contacts, id, @loaded_through_tinyerp)
), error_lists AS (
  SELECT
    stream,
    id,
    _coercion_errors,
    JSON_QUERY_ARRAY(_coercion_errors, '$') AS error_list,
    _airbyte_extracted_at
  FROM latest_versions
), errors AS (
  /* One row per coercion error, numbered by its position in the list so the reason keeps the connector's order; a version without errors has no rows. */
  SELECT
    error_lists.stream,
    error_lists.id,
    TO_JSON_STRING(error_lists._coercion_errors) AS record,
    error_number,
    error_lists.error_list[ORDINAL(error_number)] AS coercion_error,
    error_lists._airbyte_extracted_at AS extracted_at
  FROM error_lists
  CROSS JOIN UNNEST(GENERATE_ARRAY(1, ARRAY_LENGTH(error_lists.error_list))) AS error_number
), messages AS (
  /* e.g. "total_pedido: expected number, got 'abc'" */
  SELECT
    stream,
    id,
    record,
    error_number,
    CONCAT(
      COALESCE(JSON_VALUE(coercion_error, '$.field'), '?'),
      ': expected ',
      COALESCE(JSON_VALUE(coercion_error, '$.expected'), '?'),
      ', got \'',
      COALESCE(JSON_VALUE(coercion_error, '$.value'), ''),
      '\''
    ) AS error_message,
    extracted_at
  FROM errors
), reasons AS (
  /* The errors of one record, joined with "; " in the connector's order. */
  SELECT
    stream,
    id,
    ARRAY_TO_STRING(ARRAY_AGG(error_message ORDER BY error_number), '; ') AS reason,
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

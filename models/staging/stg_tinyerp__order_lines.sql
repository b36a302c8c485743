/* TinyERP order lines: one row per element of the items array (itens) of the orders staged in stg_tinyerp__orders (a deleted order's from its last version), numbered by their position in the array. An order whose latest version has values the connector could not type (an item's quantity, say) has no lines here; it is kept in stg_tinyerp__quarantine. */
MODEL (
  name staging.stg_tinyerp__order_lines,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain (order_id, line_number),
  columns (
    order_id INT64,
    line_number INT64,
    product_id INT64,
    sku STRING,
    description STRING,
    unit STRING,
    quantity NUMERIC(18, 3),
    unit_price NUMERIC(18, 2),
    line_amount NUMERIC(18, 2),
    extracted_at TIMESTAMP
  ),
  tags (tinyerp, staging),
  audits (
    not_null(columns := [order_id, line_number, extracted_at]),
    unique_combination_of_columns(columns := [order_id, line_number]),
    not_null_non_blocking(columns := [product_id, quantity, unit_price]),
    accepted_range_non_blocking(column := quantity, min_v := 0),
    accepted_range_non_blocking(column := unit_price, min_v := 0)
  )
);

WITH source AS (
  /* Same pinning, deduplication and exclusion of half-typed versions as stg_tinyerp__orders, so the lines belong to the order versions staged there. */
  SELECT
    id,
    itens,
    _coercion_errors,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_tinyerp.orders, id, @loaded_through_tinyerp, _ab_cdc_deleted_at)
), typed AS (
  SELECT
    id,
    itens,
    _airbyte_extracted_at
  FROM source
  WHERE
    COALESCE(ARRAY_LENGTH(JSON_QUERY_ARRAY(_coercion_errors, '$')), 0) = 0
), unnested AS (
  /* One row per element of the items array, numbered from 1 (ORDINAL is 1-based on both engines, unlike UNNEST ... WITH OFFSET, which transpiles badly); an order with an empty array has no lines. */
  SELECT
    typed.id AS order_id,
    line_number,
    JSON_QUERY_ARRAY(typed.itens, '$')[ORDINAL(line_number)] AS line,
    typed._airbyte_extracted_at AS extracted_at
  FROM typed
  CROSS JOIN UNNEST(GENERATE_ARRAY(1, ARRAY_LENGTH(JSON_QUERY_ARRAY(typed.itens, '$')))) AS line_number
), renamed AS (
  SELECT
    order_id,
    line_number,
    CAST(JSON_VALUE(line, '$.id_produto') AS INT64) AS product_id,
    @trim_whitespace(JSON_VALUE(line, '$.codigo')) AS sku,
    @trim_whitespace(JSON_VALUE(line, '$.descricao')) AS description,
    @trim_whitespace(JSON_VALUE(line, '$.unidade')) AS unit,
    ROUND(CAST(JSON_VALUE(line, '$.quantidade') AS NUMERIC), 3) AS quantity,
    ROUND(CAST(JSON_VALUE(line, '$.valor_unitario') AS NUMERIC), 2) AS unit_price, /* Round here and declare `columns`: a query with a macro is re-rendered through BigQuery SQL, which drops the (18, 2) from every CAST */
    extracted_at
  FROM unnested
)
SELECT
  order_id::INT64 AS order_id, /* TinyERP order id (stg_tinyerp__orders) */
  line_number::INT64 AS line_number, /* 1-based position of the item in the order's items array */
  product_id::INT64 AS product_id, /* TinyERP product id (id_produto, stg_tinyerp__products) */
  sku::STRING AS sku, /* Seller's product code (codigo) */
  description::STRING AS description, /* Item description as on the order */
  unit::STRING AS unit, /* Unit of sale, e.g. UN or KG */
  quantity::NUMERIC(18, 3) AS quantity, /* Quantity ordered; fractional for goods sold by weight (KG) */
  unit_price::NUMERIC(18, 2) AS unit_price, /* Price per unit in BRL (valor_unitario) */
  ROUND(quantity * unit_price, 2)::NUMERIC(18, 2) AS line_amount, /* quantity x unit_price in BRL, rounded to the cent */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the order (UTC) */
FROM renamed

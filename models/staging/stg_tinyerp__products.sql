/* TinyERP products: one row per product (active and inactive; variations are products of their own with a parent), as of its latest extraction at or before the pinned load. A product whose latest version has values the connector could not type is left out here and kept in stg_tinyerp__quarantine. */
MODEL (
  name staging.stg_tinyerp__products,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain product_id,
  columns (
    product_id INT64,
    sku STRING,
    product_name STRING,
    gtin STRING,
    unit STRING,
    list_price NUMERIC(18, 2),
    promotional_price NUMERIC(18, 2),
    cost_price NUMERIC(18, 2),
    category STRING,
    top_category STRING,
    brand STRING,
    product_status STRING,
    product_type STRING,
    variation_type STRING,
    parent_product_id INT64,
    created_at TIMESTAMP,
    extracted_at TIMESTAMP
  ),
  tags (tinyerp, staging),
  audits (
    not_null(columns := [product_id, extracted_at]),
    unique_values(columns := [product_id]),
    not_null_non_blocking(columns := [sku, product_name, list_price, product_status]),
    accepted_range_non_blocking(column := list_price, min_v := 0),
    accepted_range_non_blocking(column := cost_price, min_v := 0)
  )
);

WITH source AS (
  /* Every sync re-appends every product (full refresh): keep the latest extraction up to the pinned load. */
  SELECT
    id,
    codigo,
    nome,
    gtin,
    unidade,
    preco,
    preco_promocional,
    preco_custo,
    categoria,
    marca,
    situacao,
    tipo,
    tipovariacao,
    idprodutopai,
    data_criacao,
    _coercion_errors,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_tinyerp.products, id, @loaded_through_tinyerp)
), renamed AS (
  SELECT
    id AS product_id,
    @trim_whitespace(codigo) AS sku,
    @trim_whitespace(nome) AS product_name,
    NULLIF(@trim_whitespace(gtin), '') AS gtin,
    @trim_whitespace(unidade) AS unit,
    ROUND(preco, 2) AS list_price, /* Round here and declare `columns`: a query with a macro is re-rendered through BigQuery SQL, which drops the (18, 2) from every CAST */
    ROUND(NULLIF(preco_promocional, 0), 2) AS promotional_price,
    ROUND(preco_custo, 2) AS cost_price,
    NULLIF(@trim_whitespace(categoria), '') AS category,
    NULLIF(@trim_whitespace(SPLIT(categoria, ' >> ')[SAFE_OFFSET(0)]), '') AS top_category,
    NULLIF(@trim_whitespace(marca), '') AS brand,
    CASE UPPER(@trim_whitespace(situacao))
      WHEN 'A'
      THEN 'active'
      WHEN 'I'
      THEN 'inactive'
    END AS product_status,
    tipo AS product_type,
    tipovariacao AS variation_type,
    NULLIF(idprodutopai, 0) AS parent_product_id,
    data_criacao AS created_at,
    _airbyte_extracted_at AS extracted_at
  FROM source
  WHERE
    COALESCE(ARRAY_LENGTH(JSON_QUERY_ARRAY(_coercion_errors, '$')), 0) = 0 /* half-typed versions go to stg_tinyerp__quarantine */
)
SELECT
  product_id::INT64 AS product_id, /* TinyERP product id */
  sku::STRING AS sku, /* Seller's product code (codigo), e.g. AAZ-0001 */
  product_name::STRING AS product_name, /* Product name (nome) */
  gtin::STRING AS gtin, /* GTIN/EAN barcode as text (leading zeros kept); NULL if empty */
  unit::STRING AS unit, /* Unit of sale, e.g. UN or KG */
  list_price::NUMERIC(18, 2) AS list_price, /* List price in BRL (preco) */
  promotional_price::NUMERIC(18, 2) AS promotional_price, /* Promotional price in BRL; NULL when there is none (Tiny sends 0) */
  cost_price::NUMERIC(18, 2) AS cost_price, /* Cost price in BRL (preco_custo) */
  category::STRING AS category, /* Category path as given, e.g. "Empório >> Azeites"; NULL if empty */
  top_category::STRING AS top_category, /* First level of the category path, e.g. "Empório" */
  brand::STRING AS brand, /* Brand (marca); NULL if empty */
  product_status::STRING AS product_status, /* active (A) or inactive (I); NULL for any other code */
  product_type::STRING AS product_type, /* P (product) or S (service) */
  variation_type::STRING AS variation_type, /* N (no variations), P (parent of variations) or V (a variation) */
  parent_product_id::INT64 AS parent_product_id, /* Product id of a variation's parent; NULL otherwise */
  created_at::TIMESTAMP AS created_at, /* When the product was created in Tiny (UTC instant) */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the product (UTC) */
FROM renamed

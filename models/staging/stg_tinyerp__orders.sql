/* TinyERP orders (pedidos): one row per order, as of its latest extraction at or before the pinned load, with its situation conformed to the commerce statuses and its discount turned into an amount. An order the connector found deleted in Tiny (its latest extraction is a tombstone, _ab_cdc_deleted_at set) keeps the values of its last version and is marked is_deleted. An order whose latest version has values the connector could not type is left out here and kept in stg_tinyerp__quarantine. The items are in stg_tinyerp__order_lines. */
MODEL (
  name staging.stg_tinyerp__orders,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain order_id,
  columns (
    order_id INT64,
    order_number INT64,
    ecommerce_order_number STRING,
    ordered_at TIMESTAMP,
    order_date DATE,
    status_label STRING,
    order_status STRING,
    customer_code STRING,
    customer_tax_id STRING,
    customer_name STRING,
    customer_email STRING,
    customer_city STRING,
    customer_state STRING,
    items_amount NUMERIC(18, 2),
    discount_raw STRING,
    discount_amount NUMERIC(18, 2),
    shipping_amount NUMERIC(18, 2),
    other_charges_amount NUMERIC(18, 2),
    order_total NUMERIC(18, 2),
    payment_method STRING,
    carrier STRING,
    sales_channel STRING,
    invoice_id INT64,
    is_deleted BOOL,
    deleted_at TIMESTAMP,
    extracted_at TIMESTAMP
  ),
  tags (tinyerp, staging, pii),
  audits (
    not_null(columns := [order_id, is_deleted, extracted_at]),
    unique_values(columns := [order_id]),
    not_null_non_blocking(columns := [ordered_at, order_status, items_amount, order_total]),
    accepted_values_non_blocking(
      column := order_status,
      is_in := ['placed', 'processing', 'shipped', 'delivered', 'returned', 'cancelled']
    ),
    accepted_range_non_blocking(column := order_total, min_v := 0)
  )
);

WITH deletions AS (
  /* The orders whose latest extraction up to the pinned load is a tombstone: deleted in Tiny. */
  SELECT
    id,
    _ab_cdc_deleted_at
  FROM @latest_loaded(raw_tinyerp.orders, id, @loaded_through_tinyerp)
  WHERE
    NOT _ab_cdc_deleted_at IS NULL
), source AS (
  /* Incremental syncs re-append the orders updated inside their lookback: keep the latest extraction up to the pinned load that is not a tombstone. */
  SELECT
    id,
    numero,
    numero_ecommerce,
    data_pedido,
    situacao,
    cliente,
    total_produtos,
    valor_desconto,
    valor_desconto_tipo,
    valor_desconto_valor,
    valor_desconto_percentual,
    valor_frete,
    outras_despesas,
    total_pedido,
    forma_pagamento,
    nome_transportador,
    ecommerce,
    id_nota_fiscal,
    _coercion_errors,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_tinyerp.orders, id, @loaded_through_tinyerp, _ab_cdc_deleted_at)
), renamed AS (
  SELECT
    id AS order_id,
    numero AS order_number,
    NULLIF(@trim_whitespace(numero_ecommerce), '') AS ecommerce_order_number,
    data_pedido AS ordered_at,
    DATE(DATETIME(data_pedido, 'America/Sao_Paulo')) AS order_date, /* DATE(DATETIME(ts, zone)), not DATE(ts, zone): on DuckDB the latter depends on the session time zone */
    situacao AS status_label,
    CASE
      WHEN LOWER(@trim_whitespace(situacao)) IN ('em aberto', 'aberto')
      THEN 'placed'
      WHEN LOWER(@trim_whitespace(situacao)) IN ('aprovado', 'preparando envio', 'pronto para envio')
      THEN 'processing'
      WHEN LOWER(@trim_whitespace(situacao)) IN ('faturado', 'faturado (atendido)')
      THEN 'processing'
      WHEN LOWER(@trim_whitespace(situacao)) = 'enviado'
      THEN 'shipped'
      WHEN LOWER(@trim_whitespace(situacao)) IN ('entregue', 'atendido')
      THEN 'delivered'
      WHEN LOWER(@trim_whitespace(situacao)) IN ('não entregue', 'nao entregue')
      THEN 'returned'
      WHEN LOWER(@trim_whitespace(situacao)) = 'cancelado'
      THEN 'cancelled'
    END AS order_status, /* an unknown label stays NULL, so a non-blocking audit reports it */
    NULLIF(@trim_whitespace(JSON_VALUE(cliente, '$.codigo')), '') AS customer_code,
    NULLIF(REGEXP_REPLACE(JSON_VALUE(cliente, '$.cpf_cnpj'), '[^0-9]', ''), '') AS customer_tax_id,
    @trim_whitespace(JSON_VALUE(cliente, '$.nome')) AS customer_name,
    NULLIF(LOWER(@trim_whitespace(JSON_VALUE(cliente, '$.email'))), '') AS customer_email,
    @trim_whitespace(JSON_VALUE(cliente, '$.cidade')) AS customer_city,
    @trim_whitespace(JSON_VALUE(cliente, '$.uf')) AS customer_state,
    ROUND(total_produtos, 2) AS items_amount, /* Round here and declare `columns`: a query with a macro is re-rendered through BigQuery SQL, which drops the (18, 2) from every CAST */
    valor_desconto AS discount_raw,
    @tiny_discount_amount(valor_desconto_tipo, valor_desconto_valor, valor_desconto_percentual, total_produtos) AS discount_amount, /* Tiny's 'valor' or 'percentual' of the items, to the cent (macros/tinyerp.py) */
    ROUND(COALESCE(valor_frete, 0), 2) AS shipping_amount,
    ROUND(COALESCE(outras_despesas, 0), 2) AS other_charges_amount,
    ROUND(total_pedido, 2) AS order_total,
    NULLIF(@trim_whitespace(forma_pagamento), '') AS payment_method,
    NULLIF(@trim_whitespace(nome_transportador), '') AS carrier,
    NULLIF(@trim_whitespace(JSON_VALUE(ecommerce, '$.nomeEcommerce')), '') AS sales_channel,
    NULLIF(id_nota_fiscal, 0) AS invoice_id,
    _airbyte_extracted_at AS extracted_at
  FROM source
  WHERE
    COALESCE(ARRAY_LENGTH(JSON_QUERY_ARRAY(_coercion_errors, '$')), 0) = 0 /* half-typed versions go to stg_tinyerp__quarantine */
), flagged AS (
  SELECT
    renamed.*,
    NOT deletions._ab_cdc_deleted_at IS NULL AS is_deleted,
    deletions._ab_cdc_deleted_at AS deleted_at
  FROM renamed
  LEFT JOIN deletions
    ON renamed.order_id = deletions.id
)
SELECT
  order_id::INT64 AS order_id, /* TinyERP order id */
  order_number::INT64 AS order_number, /* Order number shown in Tiny (numero) */
  ecommerce_order_number::STRING AS ecommerce_order_number, /* Order number in the e-commerce channel; NULL for orders keyed into the ERP */
  ordered_at::TIMESTAMP AS ordered_at, /* Order date (UTC instant); Tiny records only the day, at midnight in Brasília */
  order_date::DATE AS order_date, /* Day the order was placed, in Brasília (America/Sao_Paulo) */
  status_label::STRING AS status_label, /* Situation label as Tiny shows it, e.g. "Faturado (atendido)" */
  order_status::STRING AS order_status, /* Conformed status: placed, processing, shipped, delivered, returned or cancelled; NULL for an unknown label */
  customer_code::STRING AS customer_code, /* Customer's contact code in Tiny; NULL if empty */
  customer_tax_id::STRING AS customer_tax_id, /* Customer's CPF or CNPJ, digits only; NULL if none (walk-in sales) */
  customer_name::STRING AS customer_name, /* Customer's name as on the order, e.g. "Consumidor Final" for walk-in sales */
  customer_email::STRING AS customer_email, /* Customer's email, trimmed and lower-cased; NULL if empty */
  customer_city::STRING AS customer_city, /* Customer's city as on the order */
  customer_state::STRING AS customer_state, /* Customer's state (UF), e.g. SP */
  items_amount::NUMERIC(18, 2) AS items_amount, /* Value of the items in BRL (total_produtos) */
  discount_raw::STRING AS discount_raw, /* Order discount as typed in Tiny, e.g. "10%", "5,00", "5.00" */
  discount_amount::NUMERIC(18, 2) AS discount_amount, /* Order discount in BRL: the amount typed, or the percentage of items_amount rounded to the cent; 0 if none */
  shipping_amount::NUMERIC(18, 2) AS shipping_amount, /* Shipping charged in BRL (valor_frete); 0 if none */
  other_charges_amount::NUMERIC(18, 2) AS other_charges_amount, /* Other charges in BRL (outras_despesas); 0 if none */
  order_total::NUMERIC(18, 2) AS order_total, /* Order total in BRL as Tiny computed it = items_amount - discount_amount + shipping_amount + other_charges_amount */
  payment_method::STRING AS payment_method, /* Payment method (forma_pagamento), e.g. pix; NULL if empty */
  carrier::STRING AS carrier, /* Carrier name (nome_transportador); NULL if empty */
  sales_channel::STRING AS sales_channel, /* E-commerce channel the order came from, e.g. "Loja Virtual"; NULL for orders keyed into the ERP */
  invoice_id::INT64 AS invoice_id, /* Id of the order's invoice (nota fiscal); NULL if none */
  is_deleted::BOOL AS is_deleted, /* TRUE if the order was deleted in Tiny (the connector found it gone); its other columns are its last version's. The marts leave it out */
  deleted_at::TIMESTAMP AS deleted_at, /* When the connector found the order deleted (UTC; _ab_cdc_deleted_at); NULL if it was not */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the order (UTC) */
FROM flagged

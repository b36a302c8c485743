/* TinyERP POS sales (PDV): one row per sale, as of its latest extraction at or before the pinned load. A POS sale is the counter view of a TinyERP order with the same id (stg_tinyerp__orders), with weights and the discount as typed at the counter. A sale whose latest version has values the connector could not type is left out here and kept in stg_tinyerp__quarantine. */
MODEL (
  name staging.stg_tinyerp__pos_sales,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain pos_sale_id,
  columns (
    pos_sale_id INT64,
    sale_number INT64,
    sold_at TIMESTAMP,
    sale_date DATE,
    status_label STRING,
    payment_method STRING,
    items_amount NUMERIC(18, 2),
    discount_raw STRING,
    discount_amount NUMERIC(18, 2),
    shipping_amount NUMERIC(18, 2),
    sale_total NUMERIC(18, 2),
    customer_tax_id STRING,
    item_count INT64,
    net_weight_kg NUMERIC(18, 3),
    gross_weight_kg NUMERIC(18, 3),
    extracted_at TIMESTAMP
  ),
  tags (tinyerp, staging, pii),
  audits (
    not_null(columns := [pos_sale_id, extracted_at]),
    unique_values(columns := [pos_sale_id]),
    not_null_non_blocking(columns := [sold_at, items_amount, sale_total]),
    accepted_range_non_blocking(column := sale_total, min_v := 0)
  )
);

WITH source AS (
  /* Incremental syncs re-append the sales updated inside their lookback: keep the latest extraction up to the pinned load. */
  SELECT
    id,
    numero,
    data,
    situacao,
    formapagamento,
    totalprodutos,
    desconto,
    desconto_tipo,
    desconto_valor,
    desconto_percentual,
    frete,
    totalvenda,
    contato,
    itens,
    pesoliquido,
    pesobruto,
    _coercion_errors,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_tinyerp.pos_sales, id, @loaded_through_tinyerp)
), renamed AS (
  SELECT
    id AS pos_sale_id,
    numero AS sale_number,
    data AS sold_at,
    DATE(DATETIME(data, 'America/Sao_Paulo')) AS sale_date, /* DATE(DATETIME(ts, zone)), not DATE(ts, zone): on DuckDB the latter depends on the session time zone */
    situacao AS status_label,
    NULLIF(@trim_whitespace(formapagamento), '') AS payment_method,
    ROUND(totalprodutos, 2) AS items_amount, /* Round here and declare `columns`: a query with a macro is re-rendered through BigQuery SQL, which drops the (18, 2) from every CAST */
    desconto AS discount_raw,
    @tiny_discount_amount(desconto_tipo, desconto_valor, desconto_percentual, totalprodutos) AS discount_amount, /* Tiny's 'valor' or 'percentual' of the items, to the cent (macros/tinyerp.py) */
    ROUND(COALESCE(frete, 0), 2) AS shipping_amount,
    ROUND(totalvenda, 2) AS sale_total,
    NULLIF(REGEXP_REPLACE(JSON_VALUE(contato, '$.cpfCnpj'), '[^0-9]', ''), '') AS customer_tax_id, /* keys inside JSON objects keep their case */
    COALESCE(ARRAY_LENGTH(JSON_QUERY_ARRAY(itens, '$')), 0) AS item_count,
    ROUND(pesoliquido, 3) AS net_weight_kg,
    ROUND(pesobruto, 3) AS gross_weight_kg,
    _airbyte_extracted_at AS extracted_at
  FROM source
  WHERE
    COALESCE(ARRAY_LENGTH(JSON_QUERY_ARRAY(_coercion_errors, '$')), 0) = 0 /* half-typed versions go to stg_tinyerp__quarantine */
)
SELECT
  pos_sale_id::INT64 AS pos_sale_id, /* TinyERP id of the sale, the same as the order's id in stg_tinyerp__orders */
  sale_number::INT64 AS sale_number, /* Sale (order) number shown in Tiny */
  sold_at::TIMESTAMP AS sold_at, /* Sale date (UTC instant); Tiny records only the day, at midnight in Brasília */
  sale_date::DATE AS sale_date, /* Day of the sale, in Brasília (America/Sao_Paulo) */
  status_label::STRING AS status_label, /* Situation label as Tiny shows it, e.g. "Faturado (atendido)" */
  payment_method::STRING AS payment_method, /* Payment method as shown at the counter, e.g. "Cartão de débito"; NULL if empty */
  items_amount::NUMERIC(18, 2) AS items_amount, /* Value of the items in BRL (totalProdutos) */
  discount_raw::STRING AS discount_raw, /* Sale discount as typed at the counter, e.g. "10%", "5,00", "5.00" */
  discount_amount::NUMERIC(18, 2) AS discount_amount, /* Sale discount in BRL: the amount typed, or the percentage of items_amount rounded to the cent; 0 if none */
  shipping_amount::NUMERIC(18, 2) AS shipping_amount, /* Shipping charged in BRL (frete); 0 if none */
  sale_total::NUMERIC(18, 2) AS sale_total, /* Sale total in BRL as Tiny computed it (totalVenda) */
  customer_tax_id::STRING AS customer_tax_id, /* Customer's CPF or CNPJ, digits only; NULL for anonymous walk-in sales */
  item_count::INT64 AS item_count, /* Number of items (elements of the itens array) */
  net_weight_kg::NUMERIC(18, 3) AS net_weight_kg, /* Net weight of the sale in kg (pesoLiquido) */
  gross_weight_kg::NUMERIC(18, 3) AS gross_weight_kg, /* Gross weight of the sale in kg (pesoBruto) */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the sale (UTC) */
FROM renamed

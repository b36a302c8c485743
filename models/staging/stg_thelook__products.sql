/* thelook products: one row per product of the catalogue (the public set's does not grow, and has no time to read by: rebuilt whole). Money rounded to the cent (cost carries long decimals); brand is empty for some products, which is how the public set has them. */
MODEL (
  name staging.stg_thelook__products,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain product_id,
  columns (
    product_id INT64,
    cost NUMERIC(18, 2),
    category STRING,
    product_name STRING,
    brand STRING,
    retail_price NUMERIC(18, 2),
    department STRING,
    sku STRING,
    distribution_center_id INT64
  ),
  tags (thelook, staging),
  audits (
    not_null(columns := [product_id, retail_price, department]),
    unique_values(columns := [product_id]),
    accepted_values(column := department, is_in := ['Men', 'Women']),
    accepted_range_non_blocking(column := retail_price, min_v := 0)
  )
);

SELECT
  id::INT64 AS product_id, /* thelook product id */
  ROUND(cost, 2)::NUMERIC(18, 2) AS cost, /* What a unit costs the shop, in USD, to the cent */
  category::STRING AS category, /* One of the public set's 26 categories, e.g. Jeans */
  name::STRING AS product_name, /* Product name */
  @trim_whitespace(brand)::STRING AS brand, /* Brand; empty for some products (allowed) */
  ROUND(retail_price, 2)::NUMERIC(18, 2) AS retail_price, /* List price in USD, to the cent */
  department::STRING AS department, /* Men or Women */
  sku::STRING AS sku, /* Stock-keeping unit */
  distribution_center_id::INT64 AS distribution_center_id /* Where it is stocked (stg_thelook__distribution_centers) */
FROM @thelook_table(products)

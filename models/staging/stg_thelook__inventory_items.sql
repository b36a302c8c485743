/* thelook inventory items: one row per physical unit received into a distribution centre, with sold_at once it was sold (NULL while in stock) and its product's attributes copied onto it. A view bounded by thelook's pinned load (loaded_through_thelook): a unit sold just after midnight may have been received the evening before. Money is rounded to the cent (the public set's cost carries long decimals). */
MODEL (
  name staging.stg_thelook__inventory_items,
  kind VIEW,
  owner data_engineering,
  grain inventory_item_id,
  columns (
    inventory_item_id INT64,
    product_id INT64,
    created_at TIMESTAMP,
    sold_at TIMESTAMP,
    cost NUMERIC(18, 2),
    product_category STRING,
    product_name STRING,
    product_brand STRING,
    product_retail_price NUMERIC(18, 2),
    product_department STRING,
    product_sku STRING,
    distribution_center_id INT64
  ),
  tags (thelook, staging),
  audits (
    not_null(columns := [inventory_item_id, product_id, created_at, distribution_center_id]),
    unique_values(columns := [inventory_item_id]),
    accepted_range_non_blocking(column := cost, min_v := 0)
  )
);

SELECT
  id::INT64 AS inventory_item_id, /* thelook inventory item id: one physical unit */
  product_id::INT64 AS product_id, /* The unit's product (stg_thelook__products) */
  created_at::TIMESTAMP AS created_at, /* When the unit was received into stock (UTC) */
  sold_at::TIMESTAMP AS sold_at, /* When it was sold (UTC); NULL while in stock */
  ROUND(cost, 2)::NUMERIC(18, 2) AS cost, /* What the unit cost the shop, in USD, to the cent */
  product_category::STRING AS product_category, /* The product's category, copied */
  product_name::STRING AS product_name, /* The product's name, copied */
  product_brand::STRING AS product_brand, /* The product's brand, copied; empty for some products */
  ROUND(product_retail_price, 2)::NUMERIC(18, 2) AS product_retail_price, /* The product's retail price in USD, to the cent */
  product_department::STRING AS product_department, /* Men or Women */
  product_sku::STRING AS product_sku, /* The product's SKU */
  product_distribution_center_id::INT64 AS distribution_center_id /* Where the unit is kept (stg_thelook__distribution_centers) */
FROM @thelook_table(inventory_items)
WHERE
  created_at <= TIMESTAMP(@loaded_through_thelook, 'UTC')

/* thelook order items: one row per unit sold (there is no quantity: an order of two units has two items), each tied to the inventory item that left stock. Status and timestamps repeat the order's. A view bounded by thelook's pinned load (loaded_through_thelook). sale_price is the FLOAT of the public set rounded to the cent. */
MODEL (
  name staging.stg_thelook__order_items,
  kind VIEW,
  owner data_engineering,
  grain order_item_id,
  columns (
    order_item_id INT64,
    order_id INT64,
    user_id INT64,
    product_id INT64,
    inventory_item_id INT64,
    status STRING,
    created_at TIMESTAMP,
    shipped_at TIMESTAMP,
    delivered_at TIMESTAMP,
    returned_at TIMESTAMP,
    sale_price NUMERIC(18, 2)
  ),
  tags (thelook, staging),
  audits (
    not_null(
      columns := [
        order_item_id,
        order_id,
        user_id,
        product_id,
        inventory_item_id,
        status,
        created_at,
        sale_price
      ]
    ),
    unique_values(columns := [order_item_id]),
    unique_values(columns := [inventory_item_id]),
    accepted_values(
      column := status,
      is_in := ['Processing', 'Shipped', 'Complete', 'Cancelled', 'Returned']
    ),
    accepted_range_non_blocking(column := sale_price, min_v := 0)
  )
);

SELECT
  id::INT64 AS order_item_id, /* thelook order item id */
  order_id::INT64 AS order_id, /* The order (stg_thelook__orders) */
  user_id::INT64 AS user_id, /* The ordering user (stg_thelook__users) */
  product_id::INT64 AS product_id, /* The product sold (stg_thelook__products) */
  inventory_item_id::INT64 AS inventory_item_id, /* The unit that left stock (stg_thelook__inventory_items), one per item */
  status::STRING AS status, /* The order's status, repeated */
  created_at::TIMESTAMP AS created_at, /* When the order was placed (UTC) */
  shipped_at::TIMESTAMP AS shipped_at, /* When it shipped (UTC); NULL if it has not */
  delivered_at::TIMESTAMP AS delivered_at, /* When it was delivered (UTC); NULL if it has not been */
  returned_at::TIMESTAMP AS returned_at, /* When it came back (UTC); NULL unless returned */
  ROUND(sale_price, 2)::NUMERIC(18, 2) AS sale_price /* Price of the unit in USD, to the cent (the product's retail price) */
FROM @thelook_table(order_items)
WHERE
  created_at <= TIMESTAMP(@loaded_through_thelook, 'UTC')

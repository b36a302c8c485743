/* thelook orders: one row per order of thelook_ecommerce's web shop (read in place on BigQuery, the generator's replica on DuckDB: macros/thelook.py). A view bounded by thelook's pinned load (loaded_through_thelook): the candidate sees the days it gates, prod the days it promoted. status is the public set's (Processing, Shipped, Complete, Cancelled, Returned), final when the row is written; shipped_at, delivered_at and returned_at are filled as far as the order got, NULL beyond. */
MODEL (
  name staging.stg_thelook__orders,
  kind VIEW,
  owner data_engineering,
  grain order_id,
  columns (
    order_id INT64,
    user_id INT64,
    status STRING,
    gender STRING,
    created_at TIMESTAMP,
    shipped_at TIMESTAMP,
    delivered_at TIMESTAMP,
    returned_at TIMESTAMP,
    item_count INT64
  ),
  tags (thelook, staging),
  audits (
    not_null(columns := [order_id, user_id, status, created_at, item_count]),
    unique_values(columns := [order_id]),
    accepted_values(
      column := status,
      is_in := ['Processing', 'Shipped', 'Complete', 'Cancelled', 'Returned']
    ),
    accepted_values_non_blocking(column := gender, is_in := ['M', 'F'])
  )
);

SELECT
  order_id::INT64 AS order_id, /* thelook order id (orders.order_id; the one table whose key is not named id) */
  user_id::INT64 AS user_id, /* The ordering user (stg_thelook__users) */
  status::STRING AS status, /* Processing (placed), Shipped, Complete (delivered), Cancelled or Returned */
  gender::STRING AS gender, /* The user's gender, M or F, copied onto the order */
  created_at::TIMESTAMP AS created_at, /* When the order was placed (UTC) */
  shipped_at::TIMESTAMP AS shipped_at, /* When it shipped (UTC); NULL if it has not */
  delivered_at::TIMESTAMP AS delivered_at, /* When it was delivered (UTC); NULL if it has not been */
  returned_at::TIMESTAMP AS returned_at, /* When it came back (UTC); NULL unless returned */
  num_of_item::INT64 AS item_count /* Units in the order (num_of_item): its number of order items */
FROM @thelook_table(orders)
WHERE
  created_at <= TIMESTAMP(@loaded_through_thelook, 'UTC')

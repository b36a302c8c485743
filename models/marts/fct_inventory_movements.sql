/* Inventory movements: one row per change of stock, with its reason and quantity change, partitioned by the day it happened and clustered by product and reason. thelook: every unit received is a restock of +1 (created_at), every unit sold a sale of -1 (sold_at), every unit of a returned order a return of +1 (the item's returned_at). Linnworks: the net change of an item's stock in a location between two consecutive stock reads (reason snapshot_delta: the reads do not say why it changed; an unchanged level is no movement). No source reports damage yet. Incremental by movement_date, the last day built again (lookback); a day's sales and returns can come from units received on earlier days, so each run reads the units' staging whole (pruned by nothing on BigQuery: docs/thelook.md §4). */
MODEL (
  name marts.fct_inventory_movements,
  kind INCREMENTAL_BY_TIME_RANGE (
    time_column movement_date,
    lookback 1
  ),
  owner analytics_engineering,
  cron '@daily',
  grain movement_key,
  partitioned_by movement_date,
  clustered_by (product_key, reason),
  columns (
    movement_key STRING,
    source STRING,
    reason STRING,
    quantity_change INT64,
    moved_at TIMESTAMP,
    movement_date DATE,
    product_key STRING,
    location_key STRING,
    unit_cost NUMERIC(18, 2),
    currency_code STRING
  ),
  depends_on (
    marts.locations
  ),
  tags (marts, facts),
  audits (
    not_null(
      columns := [
        movement_key,
        source,
        reason,
        quantity_change,
        moved_at,
        movement_date,
        product_key
      ]
    ),
    unique_values(columns := [movement_key]),
    assert_key_prefixed_by_source(key_column := movement_key),
    accepted_values(
      column := reason,
      is_in := ['restock', 'sale', 'return', 'damage', 'snapshot_delta']
    ),
    assert_movement_sign_matches_reason,
    assert_foreign_key_exists(
      key_column := location_key,
      parent_model := marts.locations,
      parent_key := location_key
    ),
    accepted_range_non_blocking(column := quantity_change, min_v := -100, max_v := 100)
  )
);

WITH thelook_units AS (
  SELECT
    inventory_item_id,
    product_id,
    distribution_center_id,
    created_at,
    sold_at,
    cost
  FROM staging.stg_thelook__inventory_items
), movements AS (
  SELECT
    'thelook' AS source,
    'restock' AS reason,
    inventory_item_id::STRING AS source_movement_id,
    1 AS quantity_change,
    created_at AS moved_at,
    DATE(DATETIME(created_at, 'UTC')) AS movement_date,
    product_id::STRING AS source_product_id,
    distribution_center_id::STRING AS source_location_id,
    cost AS unit_cost,
    'USD' AS currency_code
  FROM thelook_units
  UNION ALL
  SELECT
    'thelook' AS source,
    'sale' AS reason,
    inventory_item_id::STRING AS source_movement_id,
    -1 AS quantity_change,
    sold_at AS moved_at,
    DATE(DATETIME(sold_at, 'UTC')) AS movement_date,
    product_id::STRING AS source_product_id,
    distribution_center_id::STRING AS source_location_id,
    cost AS unit_cost,
    'USD' AS currency_code
  FROM thelook_units
  WHERE
    NOT sold_at IS NULL
  UNION ALL
  SELECT
    'thelook' AS source,
    'return' AS reason,
    items.inventory_item_id::STRING AS source_movement_id,
    1 AS quantity_change,
    items.returned_at AS moved_at,
    DATE(DATETIME(items.returned_at, 'UTC')) AS movement_date,
    items.product_id::STRING AS source_product_id,
    units.distribution_center_id::STRING AS source_location_id,
    units.cost AS unit_cost,
    'USD' AS currency_code
  FROM staging.stg_thelook__order_items AS items
  LEFT JOIN thelook_units AS units
    ON items.inventory_item_id = units.inventory_item_id
  WHERE
    items.status = 'Returned' AND NOT items.returned_at IS NULL
  UNION ALL
  /* Linnworks: the change since the item's previous read in the location; the first read is no movement */
  SELECT
    'linnworks' AS source,
    'snapshot_delta' AS reason,
    CONCAT(snapshot_id::STRING, ':', stock_item_id, ':', location_id) AS source_movement_id,
    stock_level - previous_level AS quantity_change,
    snapshot_at AS moved_at,
    DATE(DATETIME(snapshot_at, 'Europe/London')) AS movement_date,
    stock_item_id AS source_product_id,
    location_id AS source_location_id,
    unit_cost,
    currency_code
  FROM (
    SELECT
      snapshot_id,
      snapshot_at,
      stock_item_id,
      location_id,
      stock_level,
      unit_cost,
      currency_code,
      LAG(stock_level) OVER (PARTITION BY stock_item_id, location_id ORDER BY snapshot_at, snapshot_id) AS previous_level /* the level at the item's previous read there */
    FROM staging.stg_linnworks__stock_levels
  ) AS levels
  WHERE
    stock_level <> previous_level
)
SELECT
  CONCAT(source, ':', reason, ':', source_movement_id)::STRING AS movement_key, /* <source>:<reason>:<the unit's id, or Linnworks' read:item:location> */
  source::STRING AS source, /* Source system the movement comes from */
  reason::STRING AS reason, /* restock, sale, return, damage, or snapshot_delta (a net change between two stock reads) */
  quantity_change::INT64 AS quantity_change, /* Units in (+) or out (-) */
  moved_at::TIMESTAMP AS moved_at, /* When the stock changed (UTC; Linnworks: when the read that saw it ended) */
  movement_date::DATE AS movement_date, /* Day of the movement (UTC for thelook, London for Linnworks): the partition */
  CONCAT(source, ':', source_product_id)::STRING AS product_key, /* The product (marts.products) */
  CONCAT(source, ':', source_location_id)::STRING AS location_key, /* The location (marts.locations) */
  ROUND(unit_cost, 2)::NUMERIC(18, 2) AS unit_cost, /* Cost of one unit, in currency_code */
  currency_code::STRING AS currency_code /* ISO 4217 currency of unit_cost */
FROM movements
WHERE
  movement_date BETWEEN @start_ds AND @end_ds

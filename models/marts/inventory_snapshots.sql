/* Stock history: one row per product per location per stock read (a sync that read every item's levels), every read the pinned loads cover, so the history grows run after run while staging keeps every read. Today only Linnworks reports stock (stg_linnworks__stock_levels). is_last_of_day marks the day's last read of a product in a location, is_current the newest read of it; snapshot_date is the read's day in London, as Linnworks order dates. stock_value is the source's own (stock_level x unit_cost: a blocking audit checks it to the cent); stock_value_reporting converts it at marts.exchange_rates' rate of snapshot_date. */
MODEL (
  name marts.inventory_snapshots,
  kind FULL,
  owner analytics_engineering,
  cron '@daily',
  grain snapshot_key,
  partitioned_by snapshot_date,
  clustered_by (is_current, product_key, location_key),
  depends_on (marts.locations, marts.products), /* the key audits read them: SQLMesh points an audit only at its model's parents of the same plan */
  tags (marts, conformed),
  audits (
    not_null(
      columns := [
        snapshot_key,
        source,
        snapshot_id,
        snapshot_at,
        snapshot_date,
        product_key,
        location_key,
        is_current,
        is_last_of_day
      ]
    ),
    unique_values(columns := [snapshot_key]),
    unique_combination_of_columns(columns := [source, snapshot_id, product_key, location_key]),
    assert_key_prefixed_by_source(key_column := snapshot_key),
    assert_foreign_key_exists(
      key_column := location_key,
      parent_model := marts.locations,
      parent_key := location_key
    ),
    assert_stock_value_and_read_flags,
    assert_foreign_key_exists(
      key_column := product_key,
      parent_model := marts.products,
      parent_key := product_key,
      blocking := FALSE
    ),
    not_null_non_blocking(columns := [stock_value_reporting]),
    accepted_range_non_blocking(column := stock_level, min_v := 0)
  )
);

WITH levels AS (
  /* Linnworks: the levels of every read, costs and values in the account's base currency */
  SELECT
    'linnworks' AS source,
    snapshot_id::STRING AS snapshot_id,
    snapshot_at,
    DATE(DATETIME(snapshot_at, 'Europe/London')) AS snapshot_date, /* DATE(DATETIME(ts, zone)): correct under any DuckDB session zone (docs/tooling.md §4) */
    stock_item_id AS source_product_id,
    location_id AS source_location_id,
    stock_level,
    available,
    in_orders,
    due,
    unit_cost,
    stock_value,
    currency_code,
    extracted_at
  FROM staging.stg_linnworks__stock_levels
), flagged AS (
  SELECT
    source,
    snapshot_id,
    snapshot_at,
    snapshot_date,
    source_product_id,
    source_location_id,
    stock_level,
    available,
    in_orders,
    due,
    unit_cost,
    stock_value,
    currency_code,
    extracted_at,
    ROW_NUMBER() OVER (
      PARTITION BY source, source_product_id, source_location_id, snapshot_date
      ORDER BY snapshot_at DESC, snapshot_id DESC
    ) = 1 AS is_last_of_day,
    ROW_NUMBER() OVER (
      PARTITION BY source, source_product_id, source_location_id
      ORDER BY snapshot_at DESC, snapshot_id DESC
    ) = 1 AS is_current
  FROM levels
)
SELECT
  CONCAT(
    flagged.source,
    ':',
    flagged.snapshot_id,
    ':',
    flagged.source_product_id,
    ':',
    flagged.source_location_id
  )::STRING AS snapshot_key, /* Source-prefixed key: <source>:<snapshot_id>:<product id>:<location id> */
  flagged.source::STRING AS source, /* Source system the row comes from */
  flagged.snapshot_id::STRING AS snapshot_id, /* The read in the source system (Linnworks: the sync that read the stock items) */
  flagged.snapshot_at::TIMESTAMP AS snapshot_at, /* When the read ended (UTC) */
  flagged.snapshot_date::DATE AS snapshot_date, /* Day of the read, in London for Linnworks */
  flagged.is_last_of_day::BOOL AS is_last_of_day, /* The day's last read of this product in this location: one row per product, location and day */
  flagged.is_current::BOOL AS is_current, /* The newest read of this product in this location: one row per product and location */
  CONCAT(flagged.source, ':', flagged.source_product_id)::STRING AS product_key, /* Key of the product (marts.products) */
  CONCAT(flagged.source, ':', flagged.source_location_id)::STRING AS location_key, /* Key of the location (marts.locations) */
  flagged.stock_level::INT64 AS stock_level, /* Units physically in the location */
  flagged.available::INT64 AS available, /* Units free to sell: stock_level - in_orders */
  flagged.in_orders::INT64 AS in_orders, /* Units allocated to open orders */
  flagged.due::INT64 AS due, /* Units due in on purchase orders */
  ROUND(flagged.unit_cost, 2)::NUMERIC(18, 2) AS unit_cost, /* Cost of one unit, in currency_code */
  ROUND(flagged.stock_value, 2)::NUMERIC(18, 2) AS stock_value, /* Value of the stock in currency_code, as the source computed it: stock_level x unit_cost */
  flagged.currency_code::STRING AS currency_code, /* ISO 4217 currency of unit_cost and stock_value (Linnworks: the account's base currency) */
  fx.reporting_currency::STRING AS reporting_currency, /* ISO 4217 reporting currency (SQLMesh variable reporting_currency) */
  ROUND(flagged.stock_value * fx.rate_to_reporting, 2)::NUMERIC(18, 2) AS stock_value_reporting, /* stock_value in the reporting currency, at marts.exchange_rates' rate of snapshot_date; NULL when the seed lacks the currency */
  flagged.extracted_at::TIMESTAMP AS loaded_at /* When the row was extracted from the source (UTC) */
FROM flagged
LEFT JOIN marts.exchange_rates AS fx
  ON (
    flagged.currency_code = fx.currency_code
    AND flagged.snapshot_date >= fx.valid_from
    AND flagged.snapshot_date < fx.valid_to
  )

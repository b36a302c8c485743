/* Linnworks stock levels, the stock history: one row per item and location in every read of the stock items (each sync reads every item in full), not only the latest. A read is one snapshot, numbered by the sync that landed it (_airbyte_meta.sync_id). A read belongs to the pinned load when any of its rows was extracted at or before the pin, and then it is taken whole (the pin can fall in the middle of a read). Rows without a sync id (landed before the runner stamped one) belong to no read and are left out. Costs and values are in the account's base currency (the variable linnworks_base_currency). */
MODEL (
  name staging.stg_linnworks__stock_levels,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain (snapshot_id, stock_item_id, location_id),
  columns (
    snapshot_id INT64,
    snapshot_at TIMESTAMP,
    stock_item_id STRING,
    location_id STRING,
    location_name STRING,
    stock_level INT64,
    available INT64,
    in_orders INT64,
    due INT64,
    minimum_level INT64,
    unit_cost NUMERIC(18, 2),
    stock_value NUMERIC(18, 2),
    currency_code STRING,
    last_updated_at TIMESTAMP,
    extracted_at TIMESTAMP
  ),
  tags (linnworks, staging),
  audits (
    not_null(
      columns := [
        snapshot_id,
        snapshot_at,
        stock_item_id,
        location_id,
        currency_code,
        extracted_at
      ]
    ),
    unique_combination_of_columns(columns := [snapshot_id, stock_item_id, location_id]),
    not_null_non_blocking(columns := [stock_level, available, in_orders, unit_cost]),
    accepted_range_non_blocking(column := stock_level, min_v := 0),
    accepted_range_non_blocking(column := unit_cost, min_v := 0)
  )
);

WITH source AS (
  /* Every row of every read, with the read it belongs to; rows without a sync id form no snapshot. */
  SELECT
    stockitemid,
    stockitemintid,
    stocklevels,
    @safe_int64(JSON_VALUE(_airbyte_meta, '$.sync_id')) AS snapshot_id,
    _airbyte_raw_id,
    _airbyte_extracted_at
  FROM raw_linnworks.stock_items
  WHERE
    NOT @safe_int64(JSON_VALUE(_airbyte_meta, '$.sync_id')) IS NULL
), reads AS (
  /* The reads in the load: those that started at or before the pin (a UTC time, named so in any session), taken whole; a read ends at its latest extraction. */
  SELECT
    snapshot_id,
    MAX(_airbyte_extracted_at) AS snapshot_at
  FROM source
  GROUP BY
    snapshot_id
  HAVING
    MIN(_airbyte_extracted_at) <= TIMESTAMP(@loaded_through_linnworks, 'UTC')
), pinned AS (
  /* Every row of the reads in the load, one per item in each read (a read that appended an item twice keeps the greater _airbyte_raw_id). */
  SELECT
    source.snapshot_id,
    reads.snapshot_at,
    source.stockitemid,
    source.stocklevels,
    source._airbyte_extracted_at
  FROM source
  INNER JOIN reads
    ON source.snapshot_id = reads.snapshot_id
  QUALIFY
    ROW_NUMBER() OVER (
      PARTITION BY source.snapshot_id, source.stockitemintid
      ORDER BY source._airbyte_raw_id DESC
    ) = 1
), unnested AS (
  /* One row per element of the item's stock levels array (one per location). */
  SELECT
    pinned.snapshot_id,
    pinned.snapshot_at,
    LOWER(@trim_whitespace(pinned.stockitemid)) AS stock_item_id,
    LOWER(@trim_whitespace(JSON_VALUE(level, '$.Location.StockLocationId'))) AS location_id,
    @trim_whitespace(JSON_VALUE(level, '$.Location.LocationName')) AS location_name,
    @safe_int64(JSON_VALUE(level, '$.StockLevel')) AS stock_level,
    @safe_int64(JSON_VALUE(level, '$.Available')) AS available,
    @safe_int64(JSON_VALUE(level, '$.InOrders')) AS in_orders,
    @safe_int64(JSON_VALUE(level, '$.Due')) AS due,
    @safe_int64(JSON_VALUE(level, '$.MinimumLevel')) AS minimum_level,
    ROUND(SAFE_CAST(JSON_VALUE(level, '$.UnitCost') AS NUMERIC(38, 9)), 2) AS unit_cost, /* JSON numbers come as text: typed like the raw numbers (NUMERIC(38, 9)), then rounded to the cent; SAFE_CAST keeps its (38, 9) where CAST would lose it */
    ROUND(SAFE_CAST(JSON_VALUE(level, '$.StockValue') AS NUMERIC(38, 9)), 2) AS stock_value,
    @linnworks_base_currency AS currency_code,
    SAFE_CAST(JSON_VALUE(level, '$.LastUpdateDate') AS TIMESTAMP) AS last_updated_at, /* ISO 8601 with Z: an instant on both engines, whatever the session time zone */
    pinned._airbyte_extracted_at AS extracted_at
  FROM pinned
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(pinned.stocklevels, '$')) AS level
)
SELECT
  snapshot_id::INT64 AS snapshot_id, /* The read (sync) of the stock items this level was read in (_airbyte_meta.sync_id); rises with every sync */
  snapshot_at::TIMESTAMP AS snapshot_at, /* When the read ended: the latest extraction time of its rows (UTC), the same for every row of the read */
  stock_item_id::STRING AS stock_item_id, /* Linnworks stock item GUID, lower case (stg_linnworks__stock_items) */
  location_id::STRING AS location_id, /* Linnworks location GUID (Location.StockLocationId), lower case (stg_linnworks__stock_locations) */
  location_name::STRING AS location_name, /* Location name as read with the level, e.g. Default */
  stock_level::INT64 AS stock_level, /* Units physically in the location (StockLevel) */
  available::INT64 AS available, /* Units free to sell: stock_level - in_orders (Available) */
  in_orders::INT64 AS in_orders, /* Units allocated to open orders (InOrders) */
  due::INT64 AS due, /* Units due in on purchase orders (Due) */
  minimum_level::INT64 AS minimum_level, /* Reorder level of the item in the location (MinimumLevel) */
  unit_cost::NUMERIC(18, 2) AS unit_cost, /* Cost of one unit in currency_code (UnitCost) */
  stock_value::NUMERIC(18, 2) AS stock_value, /* Value of the stock in currency_code: stock_level x unit_cost (StockValue) */
  currency_code::STRING AS currency_code, /* Currency of unit_cost and stock_value: the account's base currency (variable linnworks_base_currency) */
  last_updated_at::TIMESTAMP AS last_updated_at, /* When the level last changed in Linnworks (LastUpdateDate, UTC instant) */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted the item's row in this read (UTC) */
FROM unnested

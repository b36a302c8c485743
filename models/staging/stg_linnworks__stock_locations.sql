/* Linnworks stock locations: one row per location (warehouse, shop or fulfilment centre), as of its latest extraction at or before the pinned load. The addresses are in stg_linnworks__stock_location_details. */
MODEL (
  name staging.stg_linnworks__stock_locations,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain location_id,
  columns (
    location_id STRING,
    location_int_id INT64,
    location_name STRING,
    location_tag STRING,
    bin_rack STRING,
    is_fulfillment_center BOOL,
    is_warehouse_managed BOOL,
    extracted_at TIMESTAMP
  ),
  tags (linnworks, staging),
  audits (
    not_null(columns := [location_id, location_int_id, extracted_at]),
    unique_values(columns := [location_id]),
    unique_values(columns := [location_int_id]),
    not_null_non_blocking(columns := [location_name])
  )
);

WITH source AS (
  /* Every sync re-appends every location (full refresh): keep the latest extraction up to the pinned load. */
  SELECT
    stocklocationid,
    stocklocationintid,
    locationname,
    locationtag,
    binrack,
    isfulfillmentcenter,
    iswarehousemanaged,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_linnworks.stock_locations, stocklocationintid, @loaded_through_linnworks)
), renamed AS (
  SELECT
    LOWER(@trim_whitespace(stocklocationid)) AS location_id,
    stocklocationintid AS location_int_id,
    @trim_whitespace(locationname) AS location_name,
    NULLIF(@trim_whitespace(locationtag), '') AS location_tag,
    NULLIF(@trim_whitespace(binrack), '') AS bin_rack,
    isfulfillmentcenter AS is_fulfillment_center,
    iswarehousemanaged AS is_warehouse_managed,
    _airbyte_extracted_at AS extracted_at
  FROM source
)
SELECT
  location_id::STRING AS location_id, /* Linnworks location GUID (StockLocationId), lower case; the Default location is 00000000-0000-0000-0000-000000000000 */
  location_int_id::INT64 AS location_int_id, /* Linnworks integer location id (StockLocationIntId) */
  location_name::STRING AS location_name, /* Location name, e.g. Default, Amazon FBA UK, Brighton Shop */
  location_tag::STRING AS location_tag, /* Free tag of the location, e.g. FBA or SHOP; NULL if empty */
  bin_rack::STRING AS bin_rack, /* Default bin or rack of the location; NULL if empty */
  is_fulfillment_center::BOOL AS is_fulfillment_center, /* True for a fulfilment centre run by a marketplace (e.g. Amazon FBA) */
  is_warehouse_managed::BOOL AS is_warehouse_managed, /* True when the location is managed by Linnworks WMS */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the location (UTC) */
FROM renamed

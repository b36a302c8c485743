/* Linnworks stock location details: one row per location with its address and stock-handling flags, as of its latest extraction at or before the pinned load (the connector asks for each location of GetStockLocations). */
MODEL (
  name staging.stg_linnworks__stock_location_details,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain location_id,
  columns (
    location_id STRING,
    location_int_id INT64,
    location_name STRING,
    address_line_1 STRING,
    address_line_2 STRING,
    city STRING,
    county STRING,
    country STRING,
    postal_code STRING,
    is_not_trackable BOOL,
    is_count_in_order_until_acknowledgement BOOL,
    is_fulfilment_center_deduct_stock_when_processed BOOL,
    extracted_at TIMESTAMP
  ),
  tags (linnworks, staging),
  audits (
    not_null(columns := [location_id, location_int_id, extracted_at]),
    unique_values(columns := [location_id]),
    unique_values(columns := [location_int_id]),
    not_null_non_blocking(columns := [location_name, country])
  )
);

WITH source AS (
  /* Every sync re-appends every location's details (full refresh): keep the latest extraction up to the pinned load. */
  SELECT
    stocklocationid,
    stocklocationintid,
    locationname,
    address1,
    address2,
    city,
    county,
    country,
    zipcode,
    isnottrackable,
    countinorderuntilacknowledgement,
    fulfilmentcenterdeductstockwhenprocessed,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_linnworks.stock_location_details, stocklocationintid, @loaded_through_linnworks)
), renamed AS (
  SELECT
    LOWER(@trim_whitespace(stocklocationid)) AS location_id,
    stocklocationintid AS location_int_id,
    @trim_whitespace(locationname) AS location_name,
    NULLIF(@trim_whitespace(address1), '') AS address_line_1,
    NULLIF(@trim_whitespace(address2), '') AS address_line_2,
    NULLIF(@trim_whitespace(city), '') AS city,
    NULLIF(@trim_whitespace(county), '') AS county,
    NULLIF(@trim_whitespace(country), '') AS country,
    NULLIF(@trim_whitespace(zipcode), '') AS postal_code,
    isnottrackable AS is_not_trackable,
    countinorderuntilacknowledgement AS is_count_in_order_until_acknowledgement,
    fulfilmentcenterdeductstockwhenprocessed AS is_fulfilment_center_deduct_stock_when_processed,
    _airbyte_extracted_at AS extracted_at
  FROM source
)
SELECT
  location_id::STRING AS location_id, /* Linnworks location GUID (StockLocationId), lower case (stg_linnworks__stock_locations) */
  location_int_id::INT64 AS location_int_id, /* Linnworks integer location id (StockLocationIntId) */
  location_name::STRING AS location_name, /* Location name, e.g. Default, Amazon FBA UK */
  address_line_1::STRING AS address_line_1, /* First address line of the location (Address1); NULL if empty */
  address_line_2::STRING AS address_line_2, /* Second address line (Address2); NULL if empty */
  city::STRING AS city, /* City; NULL if empty */
  county::STRING AS county, /* County; NULL if empty */
  country::STRING AS country, /* Country name, e.g. United Kingdom; NULL if empty */
  postal_code::STRING AS postal_code, /* Postal code (ZipCode); NULL if empty */
  is_not_trackable::BOOL AS is_not_trackable, /* True when the location does not track stock levels */
  is_count_in_order_until_acknowledgement::BOOL AS is_count_in_order_until_acknowledgement, /* True when stock stays counted in orders until the fulfilment centre acknowledges them */
  is_fulfilment_center_deduct_stock_when_processed::BOOL AS is_fulfilment_center_deduct_stock_when_processed, /* True when a fulfilment centre deducts stock when the order is processed */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the location's details (UTC) */
FROM renamed

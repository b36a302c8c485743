/* Conformed stock locations: one row per location per source, keyed by a source-prefixed key so sources never collide. Linnworks' stock locations with their addresses (stg_linnworks__stock_location_details) and thelook's distribution centres (warehouses). location_type: fulfillment_center for a location a marketplace runs (Amazon FBA), store for a shop (tag SHOP), warehouse for any other. */
MODEL (
  name marts.locations,
  kind FULL,
  owner analytics_engineering,
  cron '@daily',
  grain location_key,
  tags (marts, conformed),
  audits (
    not_null(columns := [location_key, source, source_location_id, location_type]),
    unique_values(columns := [location_key]),
    assert_key_prefixed_by_source(key_column := location_key),
    accepted_values(column := location_type, is_in := ['fulfillment_center', 'store', 'warehouse']),
    not_null_non_blocking(columns := [location_name])
  )
);

WITH unioned AS (
  /* Linnworks: a location without details (not read yet) keeps its name and flags, with no address */
  SELECT
    'linnworks' AS source,
    locations.location_id AS source_location_id,
    locations.location_int_id,
    locations.location_name,
    locations.location_tag,
    CASE
      WHEN COALESCE(locations.is_fulfillment_center, FALSE)
      THEN 'fulfillment_center'
      WHEN UPPER(locations.location_tag) = 'SHOP'
      THEN 'store'
      ELSE 'warehouse'
    END AS location_type,
    locations.is_fulfillment_center,
    locations.is_warehouse_managed,
    details.is_not_trackable,
    details.address_line_1,
    details.address_line_2,
    details.city,
    details.county AS region,
    details.postal_code,
    details.country,
    CASE
      WHEN details.extracted_at > locations.extracted_at
      THEN details.extracted_at
      ELSE locations.extracted_at
    END AS extracted_at
  FROM staging.stg_linnworks__stock_locations AS locations
  LEFT JOIN staging.stg_linnworks__stock_location_details AS details
    ON locations.location_id = details.location_id
  UNION ALL
  /* thelook: its distribution centres, US warehouses named by city and state (kept as the name) */
  SELECT
    'thelook' AS source,
    distribution_center_id::STRING AS source_location_id,
    distribution_center_id AS location_int_id,
    distribution_center_name AS location_name,
    NULL AS location_tag,
    'warehouse' AS location_type,
    FALSE AS is_fulfillment_center,
    NULL AS is_warehouse_managed,
    NULL AS is_not_trackable,
    NULL AS address_line_1,
    NULL AS address_line_2,
    NULL AS city,
    NULL AS region,
    NULL AS postal_code,
    'United States' AS country,
    NULL AS extracted_at
  FROM staging.stg_thelook__distribution_centers
)
SELECT
  CONCAT(source, ':', source_location_id)::STRING AS location_key, /* Source-prefixed location key, e.g. linnworks:00000000-0000-0000-0000-000000000000 */
  source::STRING AS source, /* Source system the row comes from */
  source_location_id::STRING AS source_location_id, /* Location id in the source system (the Linnworks location GUID, lower case) */
  location_int_id::INT64 AS location_int_id, /* The source's integer id of the location (Linnworks StockLocationIntId) */
  location_name::STRING AS location_name, /* Location name, e.g. Default, Amazon FBA UK, Brighton Shop */
  location_tag::STRING AS location_tag, /* The source's tag of the location, e.g. FBA or SHOP; NULL if none */
  location_type::STRING AS location_type, /* fulfillment_center (run by a marketplace), store (a shop: tag SHOP) or warehouse (any other) */
  is_fulfillment_center::BOOL AS is_fulfillment_center, /* True for a fulfilment centre run by a marketplace (e.g. Amazon FBA) */
  is_warehouse_managed::BOOL AS is_warehouse_managed, /* True when the location is run by the source's warehouse management */
  is_not_trackable::BOOL AS is_not_trackable, /* True when the location does not track stock levels; NULL without details */
  address_line_1::STRING AS address_line_1, /* First address line; NULL if none */
  address_line_2::STRING AS address_line_2, /* Second address line; NULL if none */
  city::STRING AS city, /* City as the source spells it */
  region::STRING AS region, /* County, state or region as the source spells it */
  postal_code::STRING AS postal_code, /* Postal code */
  country::STRING AS country, /* Country name as the source spells it, e.g. United Kingdom */
  extracted_at::TIMESTAMP AS loaded_at /* When the newest version of the location or its details was extracted from the source (UTC) */
FROM unioned

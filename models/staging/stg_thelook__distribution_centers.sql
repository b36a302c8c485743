/* thelook distribution centres: one row per warehouse the web shop ships from (ten, in US ports and hubs), with its location as WKT text. Rebuilt whole: the table has no time to read by. */
MODEL (
  name staging.stg_thelook__distribution_centers,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain distribution_center_id,
  columns (
    distribution_center_id INT64,
    distribution_center_name STRING,
    latitude FLOAT64,
    longitude FLOAT64,
    distribution_center_geom STRING
  ),
  tags (thelook, staging),
  audits (
    not_null(columns := [distribution_center_id, distribution_center_name]),
    unique_values(columns := [distribution_center_id])
  )
);

SELECT
  id::INT64 AS distribution_center_id, /* thelook distribution centre id */
  name::STRING AS distribution_center_name, /* Name: the city and state, e.g. Memphis TN */
  latitude::FLOAT64 AS latitude, /* Latitude in degrees */
  longitude::FLOAT64 AS longitude, /* Longitude in degrees */
  @thelook_wkt(distribution_center_geom)::STRING AS distribution_center_geom /* Location as WKT, POINT(longitude latitude) */
FROM @thelook_table(distribution_centers)

/* thelook users: one row per registered user (customer) of the web shop, up to thelook's pinned load (a view: loaded_through_thelook). e-mails lower-cased; the location point as WKT text (POINT(longitude latitude)); traffic_source is how the user first came (Search, Organic, Facebook, Email, Display). */
MODEL (
  name staging.stg_thelook__users,
  kind VIEW,
  owner data_engineering,
  grain user_id,
  columns (
    user_id INT64,
    first_name STRING,
    last_name STRING,
    email STRING,
    age INT64,
    gender STRING,
    state STRING,
    street_address STRING,
    postal_code STRING,
    city STRING,
    country STRING,
    latitude FLOAT64,
    longitude FLOAT64,
    traffic_source STRING,
    created_at TIMESTAMP,
    user_geom STRING
  ),
  tags (thelook, staging, pii),
  audits (
    not_null(columns := [user_id, created_at]),
    unique_values(columns := [user_id]),
    accepted_values_non_blocking(column := gender, is_in := ['M', 'F']),
    accepted_values_non_blocking(
      column := traffic_source,
      is_in := ['Search', 'Organic', 'Facebook', 'Email', 'Display']
    )
  )
);

SELECT
  id::INT64 AS user_id, /* thelook user id */
  @trim_whitespace(first_name)::STRING AS first_name, /* First name */
  @trim_whitespace(last_name)::STRING AS last_name, /* Last name */
  LOWER(@trim_whitespace(email))::STRING AS email, /* E-mail address, lower-cased */
  age::INT64 AS age, /* Age in years when signing up */
  gender::STRING AS gender, /* M or F */
  state::STRING AS state, /* State or region */
  street_address::STRING AS street_address, /* Street and number */
  postal_code::STRING AS postal_code, /* Postal code */
  city::STRING AS city, /* City */
  country::STRING AS country, /* Country name as the public set spells it (Brazil is Brasil) */
  latitude::FLOAT64 AS latitude, /* Latitude in degrees */
  longitude::FLOAT64 AS longitude, /* Longitude in degrees */
  traffic_source::STRING AS traffic_source, /* How the user first came: Search, Organic, Facebook, Email or Display */
  created_at::TIMESTAMP AS created_at, /* When the user signed up (UTC) */
  @thelook_wkt(user_geom)::STRING AS user_geom /* The user's location as WKT, POINT(longitude latitude) */
FROM @thelook_table(users)
WHERE
  created_at <= TIMESTAMP(@loaded_through_thelook, 'UTC')

/* FakeStore users: one row per user, as of its latest extraction at or before the pinned load. Name and address are flattened; the password never reaches the warehouse. */
MODEL (
  name staging.stg_fakestore__users,
  kind FULL,
  owner data_engineering,
  cron '@daily',
  grain user_id,
  tags (fakestore, staging, pii),
  audits (
    not_null(columns := [user_id, extracted_at]),
    unique_values(columns := [user_id]),
    not_null_non_blocking(columns := [email]),
    valid_email_non_blocking(column := email),
    accepted_range_non_blocking(column := latitude, min_v := -90, max_v := 90),
    accepted_range_non_blocking(column := longitude, min_v := -180, max_v := 180)
  )
);

WITH source AS (
  /* Every sync re-appends every user: keep the latest extraction up to the pinned load. */
  SELECT
    id,
    email,
    username,
    name,
    phone,
    address,
    _airbyte_extracted_at
  FROM @latest_loaded(raw_fakestore.users, id, @loaded_through_fakestore)
), renamed AS (
  SELECT
    id AS user_id,
    LOWER(@trim_whitespace(email)) AS email,
    @trim_whitespace(username) AS username,
    @trim_whitespace(JSON_VALUE(name, '$.firstname')) AS first_name,
    @trim_whitespace(JSON_VALUE(name, '$.lastname')) AS last_name,
    @trim_whitespace(phone) AS phone,
    @trim_whitespace(JSON_VALUE(address, '$.street')) AS street,
    JSON_VALUE(address, '$.number') AS street_number, /* a JSON integer */
    @trim_whitespace(JSON_VALUE(address, '$.city')) AS city,
    @trim_whitespace(JSON_VALUE(address, '$.zipcode')) AS postal_code,
    JSON_VALUE(address, '$.geolocation.lat') AS latitude, /* the API serves coordinates as strings */
    JSON_VALUE(address, '$.geolocation.long') AS longitude,
    _airbyte_extracted_at AS extracted_at
  FROM source
)
SELECT
  user_id::INT64 AS user_id, /* FakeStore user id */
  email::STRING AS email, /* Email address, trimmed and lower-cased */
  username::STRING AS username, /* Login name */
  first_name::STRING AS first_name, /* First name as served (the API lower-cases names) */
  last_name::STRING AS last_name, /* Last name as served */
  phone::STRING AS phone, /* Phone number as served, e.g. 1-570-236-7033 */
  street::STRING AS street, /* Street name */
  @safe_int64(street_number) AS street_number, /* House number; NULL if missing or not an integer */
  city::STRING AS city, /* City as served; casing is inconsistent in the source ("San Antonio", "san Antonio") */
  postal_code::STRING AS postal_code, /* ZIP code as served, e.g. 12926-3874 */
  SAFE_CAST(latitude AS FLOAT64) AS latitude, /* Latitude in degrees; NULL if missing or not numeric */
  SAFE_CAST(longitude AS FLOAT64) AS longitude, /* Longitude in degrees; NULL if missing or not numeric */
  extracted_at::TIMESTAMP AS extracted_at /* When Airbyte extracted this version of the user (UTC) */
FROM renamed

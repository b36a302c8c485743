/* Conformed customers: one row per customer per source, keyed by a source-prefixed key so sources never collide. FakeStore users are customers. */
MODEL (
  name marts.customers,
  kind FULL,
  owner analytics_engineering,
  cron '@daily',
  grain customer_key,
  tags (marts, conformed, pii),
  audits (
    not_null(columns := [customer_key, source, source_customer_id]),
    unique_values(columns := [customer_key]),
    assert_key_prefixed_by_source(key_column := customer_key)
  )
);

WITH fakestore_users AS (
  SELECT
    user_id,
    email,
    username,
    first_name,
    last_name,
    phone,
    street,
    street_number,
    city,
    postal_code,
    latitude,
    longitude,
    extracted_at
  FROM staging.stg_fakestore__users
)
SELECT
  CONCAT('fakestore:', user_id::STRING)::STRING AS customer_key, /* Source-prefixed customer key, e.g. fakestore:1 */
  'fakestore'::STRING AS source, /* Source system the row comes from */
  user_id::STRING AS source_customer_id, /* Customer id in the source system */
  email::STRING AS email, /* Email address, lower-cased */
  username::STRING AS username, /* Login name in the source system */
  first_name::STRING AS first_name, /* First name */
  last_name::STRING AS last_name, /* Last name */
  phone::STRING AS phone, /* Phone number as the source formats it */
  street::STRING AS street, /* Street name */
  street_number::INT64 AS street_number, /* House number */
  city::STRING AS city, /* City as the source spells it */
  postal_code::STRING AS postal_code, /* Postal code */
  NULL::STRING AS country_code, /* ISO 3166-1 alpha-2 country; FakeStore addresses carry no country, so NULL */
  latitude::FLOAT64 AS latitude, /* Latitude in degrees */
  longitude::FLOAT64 AS longitude, /* Longitude in degrees */
  extracted_at::TIMESTAMP AS loaded_at /* When this version of the customer was extracted from the source (UTC) */
FROM fakestore_users

/* Conformed customers: one row per customer per source, keyed by a source-prefixed key so sources never collide. FakeStore users, TinyERP contacts and thelook users are customers; so is every e-mail address on a Linnworks order (one row per address). */
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

WITH unioned AS (
  /* FakeStore users: addresses carry no country */
  SELECT
    'fakestore' AS source,
    user_id::STRING AS source_customer_id,
    CONCAT(first_name, ' ', last_name) AS customer_name,
    email,
    username,
    first_name,
    last_name,
    NULL AS tax_id,
    phone,
    street,
    street_number,
    city,
    NULL AS region_code,
    postal_code,
    NULL AS country_code,
    latitude,
    longitude,
    extracted_at
  FROM staging.stg_fakestore__users
  UNION ALL
  /* TinyERP contacts: one name (a person's or a company's legal name), not split into first and last */
  SELECT
    'tinyerp' AS source,
    contact_id::STRING AS source_customer_id,
    name AS customer_name,
    email,
    NULL AS username,
    NULL AS first_name,
    NULL AS last_name,
    tax_id,
    phone,
    street,
    @safe_int64(street_number) AS street_number, /* an integer only: a bare SAFE_CAST would round '1.500' to 2 on DuckDB where BigQuery gives NULL (docs/tooling.md §4.1) */
    city,
    state AS region_code,
    postal_code,
    'BR' AS country_code,
    NULL AS latitude,
    NULL AS longitude,
    extracted_at
  FROM staging.stg_tinyerp__contacts
  UNION ALL
  /* Linnworks keeps no customer records: a customer is an e-mail address on processed orders, with the name and country of the latest order (received last). The key is a digest of the e-mail, so no e-mail is in a key; orders without an e-mail have no customer. Only the country name is staged (addresses stay in raw), mapped to its ISO code. */
  SELECT
    'linnworks' AS source,
    TO_HEX(MD5(customer_email)) AS source_customer_id,
    customer_name,
    customer_email AS email,
    NULL AS username,
    NULL AS first_name,
    NULL AS last_name,
    NULL AS tax_id,
    NULL AS phone,
    NULL AS street,
    NULL AS street_number,
    NULL AS city,
    NULL AS region_code,
    NULL AS postal_code,
    @country_code(customer_country) AS country_code, /* macros/geo.py; NULL for a country name not listed there */
    NULL AS latitude,
    NULL AS longitude,
    extracted_at
  FROM staging.stg_linnworks__order_details
  WHERE
    NOT customer_email IS NULL
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY customer_email ORDER BY received_at DESC, order_number DESC) = 1
  UNION ALL
  /* thelook users: the public set keeps no load time (loaded_at NULL) and names states in full (region_code NULL) */
  SELECT
    'thelook' AS source,
    user_id::STRING AS source_customer_id,
    CONCAT(first_name, ' ', last_name) AS customer_name,
    email,
    NULL AS username,
    first_name,
    last_name,
    NULL AS tax_id,
    NULL AS phone,
    street_address AS street,
    NULL AS street_number,
    city,
    NULL AS region_code,
    postal_code,
    @country_code(country) AS country_code,
    latitude,
    longitude,
    NULL AS extracted_at
  FROM staging.stg_thelook__users
)
SELECT
  CONCAT(source, ':', source_customer_id)::STRING AS customer_key, /* Source-prefixed customer key, e.g. fakestore:1, tinyerp:708490398, linnworks:<MD5 hex of the lower-cased e-mail> */
  source::STRING AS source, /* Source system the row comes from */
  source_customer_id::STRING AS source_customer_id, /* Customer id in the source system; Linnworks, which has none: the MD5 hex digest of the e-mail */
  customer_name::STRING AS customer_name, /* Full name, or a company's legal name */
  email::STRING AS email, /* Email address, lower-cased */
  username::STRING AS username, /* Login name in the source system */
  first_name::STRING AS first_name, /* First name, where the source keeps it apart */
  last_name::STRING AS last_name, /* Last name, where the source keeps it apart */
  tax_id::STRING AS tax_id, /* Tax id, digits only (Brazil: CPF for people, CNPJ for companies) */
  phone::STRING AS phone, /* Phone number as the source formats it */
  street::STRING AS street, /* Street name */
  street_number::INT64 AS street_number, /* House number; NULL when the source's is not a number (e.g. S/N) */
  city::STRING AS city, /* City as the source spells it */
  region_code::STRING AS region_code, /* State or region code (Brazil: UF, e.g. SP) */
  postal_code::STRING AS postal_code, /* Postal code */
  country_code::STRING AS country_code, /* ISO 3166-1 alpha-2 country; NULL when the source has none */
  latitude::FLOAT64 AS latitude, /* Latitude in degrees */
  longitude::FLOAT64 AS longitude, /* Longitude in degrees */
  extracted_at::TIMESTAMP AS loaded_at /* When this version of the customer was extracted from the source (UTC) */
FROM unioned

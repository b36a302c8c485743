/* thelook web events: one row per page a visitor opened, in sessions numbered 1..n by sequence_number. user_id is NULL for anonymous visitors (a valid event, not a defect). A view bounded by thelook's pinned load (loaded_through_thelook): the facts read it by day. */
MODEL (
  name staging.stg_thelook__events,
  kind VIEW,
  owner data_engineering,
  grain event_id,
  columns (
    event_id INT64,
    user_id INT64,
    sequence_number INT64,
    session_id STRING,
    created_at TIMESTAMP,
    ip_address STRING,
    city STRING,
    state STRING,
    postal_code STRING,
    browser STRING,
    traffic_source STRING,
    uri STRING,
    event_type STRING
  ),
  tags (thelook, staging),
  audits (
    not_null(columns := [event_id, sequence_number, session_id, created_at, event_type]),
    unique_values(columns := [event_id]),
    unique_combination_of_columns(columns := [session_id, sequence_number]),
    accepted_values(
      column := event_type,
      is_in := ['home', 'department', 'product', 'cart', 'purchase', 'cancel']
    ),
    accepted_values_non_blocking(
      column := traffic_source,
      is_in := ['Adwords', 'YouTube', 'Facebook', 'Organic', 'Email']
    )
  )
);

SELECT
  id::INT64 AS event_id, /* thelook event id */
  user_id::INT64 AS user_id, /* The signed-in user (stg_thelook__users); NULL for an anonymous visitor */
  sequence_number::INT64 AS sequence_number, /* Position of the event in its session, from 1 */
  session_id::STRING AS session_id, /* The session (a UUID) */
  created_at::TIMESTAMP AS created_at, /* When the page was opened (UTC) */
  ip_address::STRING AS ip_address, /* The visitor's IP address */
  city::STRING AS city, /* The visitor's city */
  state::STRING AS state, /* The visitor's state or region */
  postal_code::STRING AS postal_code, /* The visitor's postal code */
  browser::STRING AS browser, /* Chrome, Safari, Firefox, Edge, IE or Other */
  traffic_source::STRING AS traffic_source, /* Where the visit came from: Email, Adwords, YouTube, Facebook or Organic */
  uri::STRING AS uri, /* The page, e.g. /product/42 or /department/men/category/jeans/brand/levi's */
  event_type::STRING AS event_type /* home, department, product, cart, purchase or cancel */
FROM @thelook_table(events)
WHERE
  created_at <= TIMESTAMP(@loaded_through_thelook, 'UTC')

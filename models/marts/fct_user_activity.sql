/* User activity: one row per web event, with its session, its step in the session, platform, browser and traffic source, partitioned by event day and clustered by user and session. Today thelook's events (stg_thelook__events); an anonymous visitor's events have no user_key, which is valid. step_in_session numbers a session's events in time order from 1, counted over the whole session (a session can start the day before: the day before is read too). Incremental by event_date, the last day built again (lookback). */
MODEL (
  name marts.fct_user_activity,
  kind INCREMENTAL_BY_TIME_RANGE (
    time_column event_date,
    lookback 1
  ),
  owner analytics_engineering,
  cron '@daily',
  grain event_key,
  partitioned_by event_date,
  clustered_by (user_key, session_id),
  columns (
    event_key STRING,
    source STRING,
    source_event_id STRING,
    session_id STRING,
    step_in_session INT64,
    user_key STRING,
    is_anonymous BOOL,
    event_type STRING,
    event_at TIMESTAMP,
    event_date DATE,
    platform STRING,
    browser STRING,
    traffic_source STRING,
    channel_key STRING,
    uri STRING,
    ip_address STRING,
    city STRING,
    region STRING,
    postal_code STRING
  ),
  depends_on (marts.customers, marts.channels),
  tags (marts, facts),
  audits (
    not_null(
      columns := [
        event_key,
        source,
        session_id,
        step_in_session,
        event_type,
        event_at,
        event_date,
        is_anonymous
      ]
    ),
    unique_values(columns := [event_key]),
    unique_combination_of_columns(columns := [session_id, step_in_session]),
    assert_key_prefixed_by_source(key_column := event_key),
    assert_foreign_key_exists(key_column := channel_key, parent_model := marts.channels, parent_key := channel_key)
  )
);

WITH events AS (
  SELECT
    event_id,
    user_id,
    sequence_number,
    session_id,
    created_at,
    ip_address,
    city,
    state,
    postal_code,
    browser,
    traffic_source,
    uri,
    event_type
  FROM staging.stg_thelook__events
  WHERE
    created_at BETWEEN TIMESTAMP_SUB(@start_dt, INTERVAL '1' DAY) AND @end_dt
), stepped AS (
  SELECT
    event_id,
    user_id,
    sequence_number,
    session_id,
    created_at,
    ip_address,
    city,
    state,
    postal_code,
    browser,
    traffic_source,
    uri,
    event_type,
    ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY created_at, sequence_number, event_id) AS step_in_session, /* over the whole session */
    DATE(DATETIME(created_at, 'UTC')) AS event_date
  FROM events
)
SELECT
  CONCAT('thelook:', event_id::STRING)::STRING AS event_key, /* Source-prefixed event key */
  'thelook'::STRING AS source, /* Source system the event comes from */
  event_id::STRING AS source_event_id, /* Event id in the source system */
  CONCAT('thelook:', session_id)::STRING AS session_id, /* Source-prefixed session id: a clustering column */
  step_in_session::INT64 AS step_in_session, /* The event's step in its session, 1 for the first, in time order */
  CONCAT('thelook:', user_id::STRING)::STRING AS user_key, /* The signed-in customer (marts.customers); NULL for an anonymous visitor */
  (
    user_id IS NULL
  )::BOOL AS is_anonymous, /* The visitor was not signed in */
  event_type::STRING AS event_type, /* home, department, product, cart, purchase or cancel */
  created_at::TIMESTAMP AS event_at, /* When it happened (UTC) */
  event_date::DATE AS event_date, /* Its UTC day: the partition */
  'web'::STRING AS platform, /* web: thelook records only its web shop's pages */
  browser::STRING AS browser, /* Chrome, Safari, Firefox, Edge, IE or Other */
  traffic_source::STRING AS traffic_source, /* Where the visit came from, e.g. Email, Adwords */
  CONCAT('thelook:webshop/', traffic_source)::STRING AS channel_key, /* The visit's channel (marts.channels) */
  uri::STRING AS uri, /* The page opened */
  ip_address::STRING AS ip_address, /* The visitor's IP address */
  city::STRING AS city, /* The visitor's city */
  state::STRING AS region, /* The visitor's state or region */
  postal_code::STRING AS postal_code /* The visitor's postal code */
FROM stepped
WHERE
  event_date BETWEEN @start_ds AND @end_ds

/* Conformed sales channels: one row per channel per source (FakeStore's and TinyERP's fixed ones, every Linnworks Source/SubSource that has an order, and thelook's web shop per traffic source). channel is the conformed kind (marketplace, webshop, pos, direct); channel_name the source's own name for it (Linnworks' order Source, e.g. AMAZON) or, for a source that names none, the channel itself; sub_channel the source's finer split (Linnworks' SubSource, e.g. amazon.co.uk), NULL where none. Key rule, the only one: channel_key = '<source>:<channel_name>', followed by '/<sub_channel>' when there is a sub_channel (fakestore:webshop, tinyerp:pos, linnworks:AMAZON/amazon.co.uk). marts.orders takes its channel_key from this model, so every order's key is one of these rows. */
MODEL (
  name marts.channels,
  kind FULL,
  owner analytics_engineering,
  cron '@daily',
  grain channel_key,
  tags (marts, conformed),
  audits (
    not_null(columns := [channel_key, source, channel, channel_name]),
    unique_values(columns := [channel_key]),
    unique_combination_of_columns(columns := [source, channel_name, sub_channel]),
    assert_key_prefixed_by_source(key_column := channel_key),
    accepted_values(column := channel, is_in := ['marketplace', 'webshop', 'pos', 'direct'])
  )
);

WITH unioned AS (
  /* FakeStore is one web shop */
  SELECT
    'fakestore' AS source,
    'webshop' AS channel,
    'webshop' AS channel_name,
    NULL::STRING AS sub_channel
  UNION ALL
  /* TinyERP: store counter (POS), e-commerce orders, orders keyed into the ERP (marts.orders decides which) */
  SELECT
    'tinyerp' AS source,
    'pos' AS channel,
    'pos' AS channel_name,
    NULL AS sub_channel
  UNION ALL
  SELECT
    'tinyerp' AS source,
    'webshop' AS channel,
    'webshop' AS channel_name,
    NULL AS sub_channel
  UNION ALL
  SELECT
    'tinyerp' AS source,
    'direct' AS channel,
    'direct' AS channel_name,
    NULL AS sub_channel
  UNION ALL
  /* Linnworks: every Source/SubSource its processed orders came through. Amazon and eBay are marketplaces, DIRECT orders are keyed in by the seller, and every other source (Shopify and the like) is a web shop. An order without a Source counts under UNKNOWN (marts.orders uses the same name). */
  SELECT DISTINCT
    'linnworks' AS source,
    CASE
      WHEN UPPER(COALESCE(channel_source, 'UNKNOWN')) IN ('AMAZON', 'EBAY')
      THEN 'marketplace'
      WHEN UPPER(COALESCE(channel_source, 'UNKNOWN')) = 'DIRECT'
      THEN 'direct'
      ELSE 'webshop'
    END AS channel,
    COALESCE(channel_source, 'UNKNOWN') AS channel_name,
    channel_subsource AS sub_channel
  FROM staging.stg_linnworks__processed_orders
  UNION ALL
  /* thelook: one web shop, split by traffic source: the one that brought a user (Search, Organic, Facebook, Email, Display: marts.orders names an order's channel by it) and the one that brought a visit (Adwords, YouTube, ...: marts.fct_user_activity) */
  SELECT DISTINCT
    'thelook' AS source,
    'webshop' AS channel,
    'webshop' AS channel_name,
    traffic_source AS sub_channel
  FROM (
    SELECT
      'users' AS read_from,
      traffic_source
    FROM staging.stg_thelook__users
    UNION ALL
    SELECT
      'events' AS read_from,
      traffic_source
    FROM staging.stg_thelook__events
  ) AS traffic_sources
)
SELECT
  CONCAT(
    source,
    ':',
    channel_name,
    CASE WHEN sub_channel IS NULL THEN '' ELSE CONCAT('/', sub_channel) END
  )::STRING AS channel_key, /* Source-prefixed channel key: <source>:<channel_name>[/<sub_channel>], e.g. linnworks:AMAZON/amazon.co.uk, tinyerp:pos */
  source::STRING AS source, /* Source system the row comes from */
  channel::STRING AS channel, /* Conformed channel: marketplace, webshop, pos (store counter) or direct (keyed in by the seller) */
  channel_name::STRING AS channel_name, /* The source's name for the channel (Linnworks Source, e.g. AMAZON); the channel itself where the source names none */
  sub_channel::STRING AS sub_channel /* The source's sub-channel (Linnworks SubSource, e.g. amazon.co.uk); NULL where none */
FROM unioned

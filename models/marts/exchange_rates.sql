/* Exchange rates to the reporting currency: one row per currency per period in which both its rate and the reporting currency's rate hold. The ONE place where the marts' conversion is defined: an amount in currency_code on day d is amount x rate_to_reporting of the row with valid_from <= d < valid_to (marts.orders, marts.inventory_snapshots). Rates come from reference.exchange_rates (seeds/exchange_rates.csv, approximate reference rates a user replaces with their own); a rate applies from its rate_date until the currency's next one, and days before a currency's first rate use that first rate. The reporting currency is the SQLMesh variable reporting_currency (config.yaml, env REPORTING_CURRENCY, default USD); a currency missing from the seed has no row, so its amounts cannot be reported (the marts' audits block). */
MODEL (
  name marts.exchange_rates,
  kind FULL,
  owner analytics_engineering,
  cron '@daily',
  grain (currency_code, valid_from),
  columns (
    currency_code STRING,
    reporting_currency STRING,
    valid_from DATE,
    valid_to DATE,
    rate_date DATE,
    units_per_usd NUMERIC(18, 6),
    reporting_units_per_usd NUMERIC(18, 6),
    rate_to_reporting NUMERIC(18, 9)
  ),
  tags (marts, conformed, reference),
  audits (
    not_null(
      columns := [currency_code, reporting_currency, valid_from, valid_to, rate_to_reporting]
    ),
    unique_combination_of_columns(columns := [currency_code, valid_from]),
    accepted_range(column := rate_to_reporting, min_v := 0, inclusive := FALSE)
  )
);

WITH rates AS (
  /* The seed's rates are doubles (reference.exchange_rates says why): back to 6 exact decimals. */
  SELECT
    currency_code,
    rate_date,
    SAFE_CAST(ROUND(units_per_usd, 6) AS NUMERIC(18, 6)) AS units_per_usd,
    LEAD(rate_date) OVER (PARTITION BY currency_code ORDER BY rate_date) AS next_rate_date,
    ROW_NUMBER() OVER (PARTITION BY currency_code ORDER BY rate_date) AS rate_number
  FROM reference.exchange_rates
), periods AS (
  /* A rate holds from its date to the next one; the first also covers every earlier day. */
  SELECT
    currency_code,
    rate_date,
    units_per_usd,
    CASE WHEN rate_number = 1 THEN '0001-01-01'::DATE ELSE rate_date END AS valid_from,
    COALESCE(next_rate_date, '9999-12-31'::DATE) AS valid_to
  FROM rates
), reporting AS (
  SELECT
    valid_from,
    valid_to,
    currency_code,
    units_per_usd
  FROM periods
  WHERE
    currency_code = @reporting_currency
)
/* Each currency period cut by the reporting currency's periods it overlaps. SAFE_CAST, not CAST: a query with a macro variable is re-rendered through BigQuery SQL, which drops precision and scale from a CAST (docs/tooling.md §4) and would leave DuckDB 3 decimals; the columns above type the table. The division is exact on BigQuery (NUMERIC) and a double on DuckDB, both rounded to 9 decimals. */
SELECT
  periods.currency_code, /* ISO 4217 currency the rate converts from */
  reporting.currency_code AS reporting_currency, /* ISO 4217 reporting currency (variable reporting_currency) */
  GREATEST(periods.valid_from, reporting.valid_from) AS valid_from, /* First day the rate applies (0001-01-01 for days before the first rate) */
  LEAST(periods.valid_to, reporting.valid_to) AS valid_to, /* Day after the last day the rate applies (9999-12-31 for the latest rate) */
  periods.rate_date, /* Date of the currency's rate in reference.exchange_rates */
  periods.units_per_usd, /* Units of currency_code per US dollar */
  reporting.units_per_usd AS reporting_units_per_usd, /* Units of the reporting currency per US dollar */
  SAFE_CAST(ROUND(reporting.units_per_usd / periods.units_per_usd, 9) AS NUMERIC(18, 9)) AS rate_to_reporting /* Units of the reporting currency per unit of currency_code, to 9 decimals (1 for the reporting currency itself) */
FROM periods
INNER JOIN reporting
  ON (
    periods.valid_from < reporting.valid_to
    AND periods.valid_to > reporting.valid_from
  )
